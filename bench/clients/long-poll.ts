// Long-poll clients: each keeps one keep-alive TCP connection, asks
// GET ?since=<cursor>, and as soon as an answer comes (messages, or empty at
// a hold timeout) asks again with the new cursor, as the browser's loop does.
// long-poll and long-poll-mtime speak this same protocol; only the server differs.
//
// Our own, over node:net, rather than autocannon's (which still drives short
// polling): when a message fans out, thousands of answers arrive in one burst,
// and autocannon's work per request (rebuilding it, histograms, events) filled
// the bench's core at 5000 clients, so the bench measured itself. Here an
// answer costs a read of its head, one JSON.parse (shared by the clients whose
// answers are the same bytes), and one write of the next request.
//
// After a refusal (non-2xx) a client waits Retry-After, or a second, before it
// asks again; after a dropped connection it reconnects and resumes from its
// cursor a second later. Either way nothing is lost: what it missed comes
// with its next answer.

import { connect, type Socket } from 'node:net';
import type { MessagesPage } from '../../wire/types.ts';
import { benchClockMs } from '../delivery-log.ts';
import type { ClientProtocol, ClientsOptions, RunningClients, Traffic } from './client-protocol.ts';
import { HttpAnswerReader, type HttpAnswer } from './http-answer-reader.ts';

/** Connections being opened at once: thousands of connects in one moment overflow the server's accept queue (see push-connections.ts). */
const CONNECTS_AT_ONCE = 256;
/** How long a client waits before asking again after a refusal without Retry-After, or a dropped connection. */
const RETRY_AFTER_FAILURE_MS = 1000;
/**
 * Every socket reads into this one buffer (node:net's `onread`): each read is
 * handled before the next begins, and the reader copies what it keeps, so no
 * socket needs a buffer of its own, nor a new one per read.
 */
const READ_BUFFER = Buffer.alloc(64 * 1024);

export const longPollClients: ClientProtocol = {
  holds: true,
  start: (options) => new LongPollClients(options),
};

interface Client {
  index: number;
  cursor: string;
  socket: Socket | undefined;
  /** A request is out and its answer has not come. */
  asking: boolean;
  timedOut: boolean;
  retryTimer: NodeJS.Timeout | undefined;
}

class LongPollClients implements RunningClients {
  private readonly counts: Traffic = { responses: 0, non2xx: 0, errors: 0, timeouts: 0, bytesReceived: 0 };
  private readonly clients: Client[] = [];
  private readonly liveSockets = new Set<Socket>();
  private readonly host: string;
  private readonly port: number;
  /** host:port, as the Host header carries it. */
  private readonly hostHeader: string;
  private readonly path: string;
  private bytesOfClosedSockets = 0;
  private nextToStart = 0;
  private stopping = false;
  private allClosed: (() => void) | undefined;
  /** The last body parsed (a copy) and what it parsed to: in a fan-out, most clients' answers are the same bytes. */
  private lastBody = Buffer.alloc(0);
  private lastPage: MessagesPage | undefined;
  /** The last request written and its cursor: in a fan-out, most clients ask with the same cursor. */
  private lastRequestCursor: string | undefined;
  private lastRequest = Buffer.alloc(0);

  constructor(private readonly options: ClientsOptions) {
    const url = new URL(options.url);
    this.host = url.hostname.replace(/^\[|\]$/g, ''); // an IPv6 address without its brackets
    this.port = Number(url.port || 80);
    this.hostHeader = url.host;
    this.path = `${url.pathname.replace(/\/$/, '')}/api/${options.strategy}/messages?since=`;
    for (let index = 0; index < options.clients; index++) {
      this.clients.push({ index, cursor: options.startCursor, socket: undefined, asking: false, timedOut: false, retryTimer: undefined });
    }
    for (let started = 0; started < Math.min(CONNECTS_AT_ONCE, options.clients); started++) this.startNext();
  }

  traffic(): Traffic {
    let bytesReceived = this.bytesOfClosedSockets;
    for (const socket of this.liveSockets) bytesReceived += socket.bytesRead;
    return { ...this.counts, bytesReceived };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const closed = new Promise<void>((resolve) => (this.allClosed = resolve));
    for (const client of this.clients) {
      clearTimeout(client.retryTimer);
      client.socket?.destroy();
    }
    if (this.liveSockets.size > 0) await closed;
  }

  /** The next client's first request; once its connection is made (or refused), one more may start. */
  private startNext(): void {
    if (this.stopping || this.nextToStart >= this.clients.length) return;
    const client = this.clients[this.nextToStart++];
    this.ask(client);
    let done = false;
    const startAnother = () => {
      if (done) return;
      done = true;
      this.startNext();
    };
    client.socket!.once('connect', startAnother);
    client.socket!.once('close', startAnother);
  }

  private ask(client: Client): void {
    client.retryTimer = undefined;
    if (this.stopping) return;
    client.socket ??= this.open(client);
    client.asking = true;
    client.socket.write(this.requestFor(client.cursor));
  }

  private requestFor(cursor: string): Buffer {
    if (cursor !== this.lastRequestCursor) {
      this.lastRequestCursor = cursor;
      this.lastRequest = Buffer.from(`GET ${this.path}${encodeURIComponent(cursor)} HTTP/1.1\r\nHost: ${this.hostHeader}\r\n\r\n`, 'latin1');
    }
    return this.lastRequest;
  }

  private open(client: Client): Socket {
    const reader = new HttpAnswerReader((answer) => this.answered(client, socket, answer));
    const onread = {
      buffer: READ_BUFFER,
      callback: (length: number, buffer: Uint8Array): boolean => {
        try {
          reader.read(Buffer.from(buffer.buffer, buffer.byteOffset, length));
        } catch {
          socket.destroy(); // not HTTP: its close counts an error and retries
        }
        return true; // keep reading
      },
    };
    const socket = connect({ host: this.host, port: this.port, noDelay: true, onread });
    this.liveSockets.add(socket);
    // Only a request stuck for good times out: the timeout outlasts the server's hold.
    socket.setTimeout(this.options.timeoutSeconds * 1000, () => {
      if (client.socket !== socket || !client.asking) return;
      client.timedOut = true;
      socket.destroy();
    });
    socket.on('error', () => {}); // counted in 'close', which always follows
    socket.once('close', () => this.closed(client, socket, reader));
    return socket;
  }

  private answered(client: Client, socket: Socket, answer: HttpAnswer): void {
    const receivedAtMs = benchClockMs();
    client.asking = false;
    this.counts.responses += 1;
    if (answer.closes) this.dropSocket(client, socket);
    if (answer.status !== 200) {
      this.counts.non2xx += 1;
      const waitMs = answer.retryAfterSeconds !== undefined ? answer.retryAfterSeconds * 1000 : RETRY_AFTER_FAILURE_MS;
      client.retryTimer = setTimeout(() => this.ask(client), waitMs);
      return;
    }
    const page = this.parse(answer.body);
    if (page === undefined) {
      this.counts.errors += 1;
      client.retryTimer = setTimeout(() => this.ask(client), RETRY_AFTER_FAILURE_MS);
      return;
    }
    client.cursor = page.cursor;
    this.ask(client); // first: the next request is on its way before the bookkeeping
    if (page.messages.length > 0) this.options.onMessages(client.index, page.messages, receivedAtMs);
  }

  private parse(body: Buffer): MessagesPage | undefined {
    if (this.lastPage !== undefined && body.equals(this.lastBody)) return this.lastPage;
    try {
      const page = JSON.parse(body.toString('utf8')) as MessagesPage;
      if (typeof page.cursor !== 'string' || !Array.isArray(page.messages)) return undefined;
      this.lastBody = Buffer.from(body); // a copy: `body` lies in the shared read buffer
      this.lastPage = page;
      return page;
    } catch {
      return undefined;
    }
  }

  /** A socket the server will close: forget it, so the next request opens a fresh one. */
  private dropSocket(client: Client, socket: Socket): void {
    if (client.socket === socket) client.socket = undefined;
    socket.end();
  }

  private closed(client: Client, socket: Socket, reader: HttpAnswerReader): void {
    this.liveSockets.delete(socket);
    this.bytesOfClosedSockets += socket.bytesRead;
    if (this.stopping) {
      if (this.liveSockets.size === 0) this.allClosed?.();
      return;
    }
    if (client.socket !== socket) return; // one we let go after a "Connection: close" answer
    client.socket = undefined;
    if (reader.end()) return; // that completed an answer that ran until the close, and the client asked again
    if (!client.asking) return; // closed between requests (while waiting to retry): the next request opens a fresh socket
    if (client.timedOut) this.counts.timeouts += 1;
    else this.counts.errors += 1;
    client.timedOut = false;
    client.asking = false;
    client.retryTimer = setTimeout(() => this.ask(client), RETRY_AFTER_FAILURE_MS);
  }
}
