// Reads HTTP/1.1 answers off one keep-alive socket, as the bytes arrive:
// the status line, the few headers a polling client acts on, and the body,
// whether its length is given (Content-Length), it comes in chunks
// (Transfer-Encoding: chunked), or it runs until the server closes.
//
// Small on purpose: the long-poll clients read thousands of answers in one
// burst when a message fans out, and this is all they need of HTTP. The
// bytes given to read() may be a buffer the caller reuses for the next
// socket, so an answer's body is only good until onAnswer returns, and
// whatever is left over is copied.

const HEAD_END = Buffer.from('\r\n\r\n');
const LINE_END = Buffer.from('\r\n');
const EMPTY = Buffer.alloc(0);
const STATUS_LINE = /^http\/1\.([01]) (\d{3})/; // matched in the lower-cased head

export interface HttpAnswer {
  status: number;
  /** Good only until onAnswer returns. */
  body: Buffer;
  /** The server said `Connection: close` (or spoke HTTP/1.0): this socket carries no further request. */
  closes: boolean;
  /** Seconds from a Retry-After header, if it had one in seconds. */
  retryAfterSeconds?: number;
}

type Body =
  | { kind: 'length'; remaining: number }
  | { kind: 'chunked'; chunkRemaining: number | undefined }
  | { kind: 'until close' };

export class HttpAnswerReader {
  private unread: Buffer = EMPTY;
  /** The answer whose head has been read, while its body is still coming. */
  private answer: HttpAnswer | undefined;
  private body: Body | undefined;
  /** Copies of the parts of a body that came over several reads. */
  private bodyParts: Buffer[] = [];

  constructor(private readonly onAnswer: (answer: HttpAnswer) => void) {}

  /** Bytes from the socket, in order. Throws on what is not an HTTP answer (the caller drops the socket). */
  read(bytes: Buffer): void {
    this.unread = this.unread.length === 0 ? bytes : Buffer.concat([this.unread, bytes]);
    while (this.readSome()) {
      // each pass reads a head, a body, or one chunk of a body
    }
    // Keep what is left as a copy: `bytes` may be overwritten by the next read.
    this.unread = this.unread.length === 0 ? EMPTY : Buffer.from(this.unread);
  }

  /** The socket closed: an answer that runs until the close is complete now. Returns whether there was one. */
  end(): boolean {
    if (this.body?.kind !== 'until close') return false;
    this.bodyParts.push(this.unread);
    this.unread = EMPTY;
    this.complete();
    return true;
  }

  /** Read what the bytes so far allow; false when more bytes are needed. */
  private readSome(): boolean {
    if (this.answer === undefined) return this.readHead();
    const body = this.body!;
    if (body.kind === 'length') return this.readLength(body);
    if (body.kind === 'chunked') return this.readChunk(body);
    this.bodyParts.push(Buffer.from(this.unread)); // until close: end() completes it
    this.unread = EMPTY;
    return false;
  }

  private readHead(): boolean {
    const headEnd = this.unread.indexOf(HEAD_END);
    if (headEnd < 0) return false;
    // Header names are case-insensitive: look them up in a lower-cased copy of the head.
    const head = this.unread.toString('latin1', 0, headEnd + LINE_END.length).toLowerCase();
    this.unread = this.unread.subarray(headEnd + HEAD_END.length);
    const statusLine = STATUS_LINE.exec(head);
    if (statusLine === null) throw new Error(`not an HTTP answer: "${head.slice(0, 60)}"`);
    const answer: HttpAnswer = { status: Number(statusLine[2]), body: EMPTY, closes: statusLine[1] === '0' };
    if (answer.status < 200) return true; // an interim answer (100 Continue): the real one follows
    const connection = header(head, 'connection');
    if (connection !== undefined) answer.closes = connection === 'close';
    const retryAfter = header(head, 'retry-after');
    if (retryAfter !== undefined && /^\d+$/.test(retryAfter)) answer.retryAfterSeconds = Number(retryAfter);
    const length = header(head, 'content-length');
    const chunked = header(head, 'transfer-encoding')?.includes('chunked') ?? false;
    this.answer = answer;
    // A 204 or 304 answer has no body, whatever its headers say.
    const noBody = answer.status === 204 || answer.status === 304;
    if (noBody || (!chunked && Number(length) === 0)) this.complete();
    else if (chunked) this.body = { kind: 'chunked', chunkRemaining: undefined };
    else if (length !== undefined) this.body = { kind: 'length', remaining: Number(length) };
    else this.body = { kind: 'until close' };
    return true;
  }

  private readLength(body: { kind: 'length'; remaining: number }): boolean {
    if (this.bodyParts.length === 0 && this.unread.length >= body.remaining) {
      // The usual case: the whole body is here. Hand it over without a copy.
      this.bodyParts.push(this.unread.subarray(0, body.remaining));
      this.unread = this.unread.subarray(body.remaining);
      this.complete();
      return true;
    }
    const take = Math.min(body.remaining, this.unread.length);
    this.bodyParts.push(Buffer.from(this.unread.subarray(0, take)));
    this.unread = this.unread.subarray(take);
    body.remaining -= take;
    if (body.remaining > 0) return false;
    this.complete();
    return true;
  }

  /** One step of a chunked body: a chunk's size line and its bytes, or the last chunk. */
  private readChunk(body: { kind: 'chunked'; chunkRemaining: number | undefined }): boolean {
    if (body.chunkRemaining === undefined) {
      const lineEnd = this.unread.indexOf(LINE_END);
      if (lineEnd < 0) return false;
      const size = parseInt(this.unread.toString('latin1', 0, lineEnd), 16); // ";extensions" after the size are ignored
      if (!Number.isFinite(size)) throw new Error('a chunk size that is not a hexadecimal number');
      if (size === 0) {
        // The last chunk; trailers, if any, are skipped up to the empty line that ends the answer.
        const trailerEnd = this.unread.indexOf(HEAD_END, lineEnd);
        if (trailerEnd < 0) return false;
        this.unread = this.unread.subarray(trailerEnd + HEAD_END.length);
        this.complete();
        return true;
      }
      this.unread = this.unread.subarray(lineEnd + LINE_END.length);
      body.chunkRemaining = size;
    }
    // The chunk's bytes, then the CRLF that closes it.
    if (this.unread.length < body.chunkRemaining + LINE_END.length) return false;
    this.bodyParts.push(Buffer.from(this.unread.subarray(0, body.chunkRemaining)));
    this.unread = this.unread.subarray(body.chunkRemaining + LINE_END.length);
    body.chunkRemaining = undefined;
    return true;
  }

  private complete(): void {
    const answer = this.answer!;
    answer.body = this.bodyParts.length === 1 ? this.bodyParts[0] : Buffer.concat(this.bodyParts);
    this.answer = undefined;
    this.body = undefined;
    this.bodyParts = [];
    this.onAnswer(answer);
  }
}

/** The value of header `name` in a lower-cased head, or undefined if it has none. */
function header(head: string, name: string): string | undefined {
  const start = head.indexOf(`\r\n${name}:`);
  if (start < 0) return undefined;
  const valueStart = start + name.length + 3;
  return head.slice(valueStart, head.indexOf('\r\n', valueStart)).trim();
}
