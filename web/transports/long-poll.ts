// Event-driven long polling: ask, and the server holds the request until a
// message arrives (or its hold times out, answered empty); ask again at once.
// No waiting on the client: the server does the waiting. After an error the
// client backs off with jitter, the polling loop's default.
// Server side: strategies/long-poll.ts.

import { pageText } from '../i18n/page-language.ts';
import { PollingTransport, numberSetting } from './polling-loop.ts';
import type { TransportFactory } from './transport.ts';

class LongPoll extends PollingTransport {
  readonly strategy = 'long-poll';
  protected waitAfterAnswer(): number {
    return 0;
  }

  protected waitingDetail(): string {
    const holdSeconds = numberSetting(this.settings, 'holdTimeoutMs', 0) / 1000;
    return pageText().status.longPollWaiting(holdSeconds);
  }
}

export const longPoll: TransportFactory = (settings) => new LongPoll(settings);
