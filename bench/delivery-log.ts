// Who received which message, and how long after it was published.
//
// The publisher writes each message's publish time into its text; a client
// that receives it subtracts that from the time it receives it. Both times
// are read in the bench's process on one clock, so the difference is the
// delivery latency as a user would see it: post, server, wake-up, wire, parse.

import type { Message } from '../wire/types.ts';
import { percentile } from './percentiles.ts';
import type { LatencyMs } from './result-types.ts';

/** Author of the measured messages; anything else (warm-up, history) is not counted. */
export const MEASURED_AUTHOR = 'bench';

/** The text a measured message carries: "<sequence number> <publish time in ms>". */
export function measuredText(sequence: number, publishedAtMs: number): string {
  return `${sequence} ${publishedAtMs.toFixed(3)}`;
}

/** Now, in milliseconds with microsecond precision, on the clock both publisher and clients read. */
export function benchClockMs(): number {
  return performance.timeOrigin + performance.now();
}

export class DeliveryLog {
  /** copies[client * planned + sequence]: how many times that client got that message. */
  private readonly copies: Uint16Array;
  private readonly latenciesMs: number[] = [];
  private duplicates = 0;
  private published = 0;

  constructor(
    private readonly clients: number,
    private readonly planned: number,
    /** Only messages by this author are counted: the warm-up has its own log. */
    private readonly author = MEASURED_AUTHOR,
  ) {
    this.copies = new Uint16Array(clients * planned);
  }

  /** The publisher got its 201 for message `sequence`. */
  notePublished(sequence: number): void {
    this.published = Math.max(this.published, sequence + 1);
  }

  /** Client `client` received `messages` at `receivedAtMs`. */
  record(client: number, messages: readonly Message[], receivedAtMs: number): void {
    for (const message of messages) {
      if (message.author !== this.author) continue;
      const [sequenceText, publishedAtText] = message.text.split(' ');
      const sequence = Number(sequenceText);
      if (!(sequence >= 0 && sequence < this.planned) || client >= this.clients) continue;
      const slot = client * this.planned + sequence;
      this.copies[slot] += 1;
      if (this.copies[slot] === 1) this.latenciesMs.push(receivedAtMs - Number(publishedAtText));
      else this.duplicates += 1;
    }
  }

  /** Whether every client has every message published so far. */
  complete(): boolean {
    return this.received() === this.published * this.clients;
  }

  received(): number {
    return this.latenciesMs.length;
  }

  summary() {
    let clientsMissingMessages = 0;
    for (let client = 0; client < this.clients; client++) {
      for (let sequence = 0; sequence < this.published; sequence++) {
        if (this.copies[client * this.planned + sequence] === 0) {
          clientsMissingMessages += 1;
          break;
        }
      }
    }
    const sorted = Float64Array.from(this.latenciesMs).sort();
    const deliveryLatencyMs: LatencyMs = {
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: sorted.length > 0 ? sorted[sorted.length - 1] : NaN,
      samples: sorted.length,
    };
    const deliveriesExpected = this.published * this.clients;
    return {
      messagesPublished: this.published,
      deliveriesExpected,
      deliveriesReceived: this.received(),
      lost: deliveriesExpected - this.received(),
      duplicates: this.duplicates,
      clientsMissingMessages,
      deliveryLatencyMs,
    };
  }
}
