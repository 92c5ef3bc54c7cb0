// What both push transports run: open one long-lived connection, deliver what
// arrives on it, and when it is lost, back off and open another that resumes
// after the last message id.
//
//   no cursor yet, or the last connection was refused
//     -> GET /api/<strategy>/messages[?since=<cursor>] once, deliver, take its cursor
//        (a 400 means the server does not know our cursor: start over from the history)
//   open the connection after the cursor (EventSource or WebSocket: the subclass)
//     each message -> deliver it, the cursor becomes its id
//     lost         -> wait (back-off with jitter, backoff.ts), then all over again
//   ...until stop().
//
// Why the plain GET: neither EventSource nor WebSocket lets the page see the
// status of a refused connection, so a refusal is followed by an ordinary
// request that does show it (and catches up on what was missed while it
// happened). It also marks the first page of a chat as history, exactly,
// since a stream or socket only ever carries live messages here.
// When that GET is refused too (503: the room is down), its Retry-After sets
// the wait. The Retry-After of a refused stream or socket itself (503: the
// server holds its limit of connections) stays hidden from the page like its
// status; the back-off, doubling, stands in for it.
// Server side: strategies/sse.ts, strategies/websocket.ts.

import type { Message } from '../../wire/types.ts';
import { pageText } from '../i18n/page-language.ts';
import { retryDelay } from './backoff.ts';
import { TransportBase, type Resume } from './transport.ts';
import { NoAnswerError, errorText, isMessagesPage, watchedFetch, type Answer } from './watched-fetch.ts';

/** Why a read or a connection failed, and the answer that said so, if there was one. */
interface Refusal {
  reason: string;
  answer?: Answer;
}

export abstract class PushTransport extends TransportBase {
  readonly cursorIsMessageId = true;
  /** The last message id delivered (or the cursor of the last read): where the next connection resumes. */
  protected cursor: string | undefined;
  private running = false;
  private readonly stopper = new AbortController();
  /** Connections lost or refused in a row; an open connection resets it. */
  private failuresInARow = 0;
  /** Read with a plain GET before opening: no cursor yet, or the server refused the last connection. */
  private readFirst = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  /** Open the long-lived connection, resuming after `cursor`. */
  protected abstract open(cursor: string | undefined): void;
  /** Close it, if one is open (stop() or a switch of strategy). */
  protected abstract close(): void;
  /** "opening the event stream", "opening the socket": for the status line. */
  protected abstract openingDetail(): string;

  start(resume: Resume): void {
    this.running = true;
    this.cursor = resume.afterId;
    this.readFirst = this.cursor === undefined;
    void this.connect();
  }

  stop(): void {
    this.running = false;
    this.stopper.abort();
    clearTimeout(this.retryTimer);
    this.close();
    this.setStatus('stopped', pageText().status.stopped);
  }

  /** The subclass's connection is open: the back-off starts over. */
  protected connected(detail: string): void {
    this.failuresInARow = 0;
    this.setStatus('connected', detail);
  }

  /** Messages from the connection: live, each after the one before. */
  protected received(messages: Message[], gap = false): void {
    if (messages.length === 0 && !gap) return;
    this.deliver({ messages, history: false, gap, receivedAt: Date.now() });
    const last = messages.at(-1);
    if (last) this.cursor = last.id;
  }

  /**
   * The connection is gone. `refused`: it never opened (the server answered
   * the request with an error), so the next attempt reads with a GET first.
   */
  protected lost(reason: string, refused: boolean): void {
    if (!this.running) return;
    if (refused) this.readFirst = true;
    this.retryLater(reason);
  }

  private async connect(): Promise<void> {
    if (this.readFirst) {
      const refusal = await this.read();
      if (!this.running) return;
      if (refusal) return this.retryLater(refusal.reason, refusal.answer);
      this.readFirst = false;
    }
    this.setStatus('connecting', this.openingDetail());
    this.open(this.cursor);
  }

  /** One plain GET from the cursor (or of the history): undefined when it worked, else why not. */
  private async read(): Promise<Refusal | undefined> {
    const since = this.cursor;
    const query = since === undefined ? '' : `?since=${encodeURIComponent(since)}`;
    this.setStatus('connecting', pageText().status.reading(`/api/${this.strategy}/messages${query}`));
    try {
      const answer = await watchedFetch(this.wire, 'receive', `/api/${this.strategy}/messages${query}`, { signal: this.stopper.signal });
      if (answer.status === 400) this.cursor = undefined; // a cursor this server never gave out (it was reset): start over
      if (answer.status !== 200 || !isMessagesPage(answer.body)) return { reason: errorText(answer), answer };
      if (!this.running) return undefined;
      const page = answer.body;
      this.deliver({ messages: page.messages, history: since === undefined, gap: page.gap === true, receivedAt: Date.now() });
      this.cursor = page.cursor;
      return undefined;
    } catch (error) {
      if (!(error instanceof NoAnswerError)) throw error;
      return { reason: pageText().status.noAnswer };
    }
  }

  private retryLater(reason: string, answer?: Answer): void {
    this.failuresInARow += 1;
    const wait = retryDelay(this.failuresInARow, answer);
    this.setStatus('reconnecting', pageText().status.tryingAgainIn(reason, (wait / 1000).toFixed(1)));
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), wait);
  }
}
