// The loop every polling transport runs: ask with a cursor, deliver, ask again.
//
//   ask GET /api/<strategy>/messages?since=<cursor>     (the first ask: firstCursor())
//     answer 200  -> deliver the messages, take the new cursor,
//                    wait waitAfterAnswer() (short-poll: the interval; long polls: nothing)
//     anything else -> wait waitAfterFailure() (back-off with jitter, or nothing
//                    for the document's client), with cursorAfterFailure()
//   ...until stop().
//
// The polling transports differ only in those hooks (and waitingDetail(), the
// status line's words), each with an honest default where one exists, so each
// of their files shows just the one idea that makes it what it is.

import type { MessagesPage } from '../../wire/types.ts';
import { pageText } from '../i18n/page-language.ts';
import { retryDelay } from './backoff.ts';
import { TransportBase, type Resume, type StrategySettings } from './transport.ts';
import { NoAnswerError, errorText, isMessagesPage, watchedFetch, type Answer } from './watched-fetch.ts';

/** What went wrong with one ask: an HTTP answer other than 200, or none at all. */
export interface Failure {
  /** Errors in a row, this one included. */
  inARow: number;
  /** Undefined when the request got no answer (network error). */
  answer?: Answer;
  reason: string;
}

export abstract class PollingTransport extends TransportBase {
  /** Honest default: the cursor is a message id, so a switch from another transport can resume exactly. */
  readonly cursorIsMessageId: boolean = true;
  private running = false;
  private readonly stopper = new AbortController();

  constructor(protected readonly settings: StrategySettings) {
    super();
  }

  /** The cursor of the first ask (undefined asks for the recent history); by default, right after the last id seen. */
  protected firstCursor(resume: Resume): string | undefined {
    return resume.afterId;
  }
  /** Milliseconds to wait after an answer before asking again. */
  protected abstract waitAfterAnswer(): number;
  /** What the status line says between two answers: how this transport waits for news. */
  protected abstract waitingDetail(): string;

  /** Honest default: back off, doubling, with jitter, and honour Retry-After (backoff.ts). */
  protected waitAfterFailure(failure: Failure): number {
    return retryDelay(failure.inARow, failure.answer);
  }

  /** Honest default: keep the cursor, except when the server refused it (400): then start over without one. */
  protected cursorAfterFailure(cursor: string | undefined, failure: Failure): string | undefined {
    return failure.answer?.status === 400 ? undefined : cursor;
  }

  start(resume: Resume): void {
    this.running = true;
    this.setStatus('connecting', pageText().status.asking(`/api/${this.strategy}/messages`));
    void this.loop(this.firstCursor(resume));
  }

  stop(): void {
    this.running = false;
    this.stopper.abort();
    this.setStatus('stopped', pageText().status.stopped);
  }

  private async loop(firstCursor: string | undefined): Promise<void> {
    let cursor = firstCursor;
    let inARow = 0;
    while (this.running) {
      const query = cursor === undefined ? '' : `?since=${encodeURIComponent(cursor)}`;
      // A request the server will hold: say so while it is out, so a long wait reads as normal,
      // also the first one after a failure (the server may be back and holding it already).
      if (cursor !== undefined && this.waitAfterAnswer() === 0) this.setStatus('waiting', this.waitingDetail());
      let answer: Answer | undefined;
      let reason = '';
      try {
        answer = await watchedFetch(this.wire, 'receive', `/api/${this.strategy}/messages${query}`, { signal: this.stopper.signal });
        if (answer.status !== 200 || !isMessagesPage(answer.body)) reason = errorText(answer);
      } catch (error) {
        if (!(error instanceof NoAnswerError)) throw error;
        reason = pageText().status.noAnswer;
      }
      if (!this.running) return;

      if (answer && reason === '') {
        const page = answer.body as MessagesPage;
        inARow = 0;
        this.deliver({ messages: page.messages, history: cursor === undefined, gap: page.gap === true, receivedAt: Date.now() });
        cursor = page.cursor;
        if (this.waitAfterAnswer() > 0) this.setStatus('connected', this.waitingDetail());
        await this.pause(this.waitAfterAnswer());
      } else {
        inARow += 1;
        const failure: Failure = { inARow, answer, reason };
        const wait = this.waitAfterFailure(failure);
        cursor = this.cursorAfterFailure(cursor, failure);
        const words = pageText().status;
        this.setStatus('reconnecting', wait < 1 ? words.askingAgainAtOnce(reason) : words.askingAgainIn(reason, (wait / 1000).toFixed(1)));
        await this.pause(wait);
      }
    }
  }

  /** Wait, but wake at once if stop() is called. Zero still yields to the page between two asks. */
  private pause(ms: number): Promise<void> {
    const signal = this.stopper.signal;
    return new Promise((resolve) => {
      const onStop = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onStop);
        resolve();
      }, ms);
      signal.addEventListener('abort', onStop, { once: true });
    });
  }
}

/** A numeric setting from /api/config, or a fallback if the server did not send it. */
export function numberSetting(settings: StrategySettings, key: string, fallback: number): number {
  const value = settings[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
