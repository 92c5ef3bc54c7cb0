// Short polling: ask, get an answer at once, wait the interval, ask again.
// The server says how long to wait (pollIntervalMs in /api/config); most
// answers are empty, and a message waits for the next ask: half an interval
// on average. Server side: strategies/short-poll.ts.

import { PollingTransport, numberSetting } from './polling-loop.ts';
import type { TransportFactory } from './transport.ts';

/** Used if /api/config does not say: the server's own default. */
const DEFAULT_POLL_INTERVAL_MS = 1000;

class ShortPoll extends PollingTransport {
  readonly strategy = 'short-poll';
  protected waitAfterAnswer(): number {
    return this.interval();
  }

  protected waitingDetail(): string {
    return `answered at once; asks again every ${this.interval()} ms`;
  }

  private interval(): number {
    return numberSetting(this.settings, 'pollIntervalMs', DEFAULT_POLL_INTERVAL_MS);
  }
}

export const shortPoll: TransportFactory = (settings) => new ShortPoll(settings);
