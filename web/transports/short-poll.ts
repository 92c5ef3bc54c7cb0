// Short polling: ask, get an answer at once, wait the interval, ask again.
// The server says how long to wait (pollIntervalMs in /api/config); most
// answers are empty, and a message waits for the next ask: half an interval
// on average. Server side: strategies/short-poll.ts.

import { pageText } from '../i18n/page-language.ts';
import { nextPollDelay } from './poll-delay.ts';
import { PollingTransport, numberSetting } from './polling-loop.ts';
import type { Delivery, TransportFactory } from './transport.ts';

/** Used if /api/config does not say: the server's own default. */
const DEFAULT_POLL_INTERVAL_MS = 1000;
/** An adaptive delay (lesson 2's exercise) may grow to this many intervals: 250 ms -> 4 s. */
const MAX_DELAY_IN_INTERVALS = 16;

class ShortPoll extends PollingTransport {
  readonly strategy = 'short-poll';
  private delayMs = this.interval();

  protected waitAfterAnswer(): number {
    return this.delayMs;
  }

  /** Every answer, empty or not, passes here first: the moment to choose the next wait. */
  protected deliver(delivery: Delivery): void {
    const minMs = this.interval();
    const next = nextPollDelay(this.delayMs, delivery.messages.length > 0, { minMs, maxMs: minMs * MAX_DELAY_IN_INTERVALS });
    // A wait that is not a number, or under the interval, would turn the loop into a flood of requests.
    this.delayMs = Number.isFinite(next) && next >= minMs ? next : minMs;
    super.deliver(delivery);
  }

  protected waitingDetail(): string {
    return pageText().status.shortPollWaiting(Math.round(this.delayMs));
  }

  private interval(): number {
    return numberSetting(this.settings, 'pollIntervalMs', DEFAULT_POLL_INTERVAL_MS);
  }
}

export const shortPoll: TransportFactory = (settings) => new ShortPoll(settings);
