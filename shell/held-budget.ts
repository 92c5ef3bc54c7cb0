// The server-wide limit on held requests (--max-held).
//
// A long poll holds a socket open by design, so a held request is a
// resource like memory: one counter, shared by every strategy that holds,
// bounds them all together. Beyond the limit a new waiting request is
// refused with 503 and Retry-After, so clients back off instead of piling up.

import type { HeldBudget } from '../strategies/strategy.ts';
import { HttpError } from '../http/http-error.ts';

export const DEFAULT_MAX_HELD = 10_000;
/** What a refused client is told to wait; clients add their own jitter on top. */
export const RETRY_AFTER_SECONDS = 2;

export class CountingHeldBudget implements HeldBudget {
  private heldNow = 0;

  constructor(readonly maxHeld: number = DEFAULT_MAX_HELD) {}

  hold(): void {
    if (this.heldNow >= this.maxHeld) {
      throw new HttpError(503, `the server already holds its limit of ${this.maxHeld} waiting requests; retry later`, {
        'Retry-After': String(RETRY_AFTER_SECONDS),
      });
    }
    this.heldNow += 1;
  }

  release(): void {
    // Never below zero: a double release would otherwise let the server hold more than its limit.
    if (this.heldNow > 0) this.heldNow -= 1;
  }
}
