// Hold timeouts with jitter.
//
// Clients that connected together (after a restart, after one message woke
// them all) would otherwise time out together and come back in the same
// millisecond. Spreading each hold by up to 10% either way spreads the
// returns, so the server sees a steady trickle instead of a stampede.

/** A hold lasts its nominal time, give or take this fraction. */
export const HOLD_JITTER = 0.1;

/** `holdMs` moved at random by up to ±10%. */
export function jitteredHoldMs(holdMs: number, random: () => number = Math.random): number {
  return holdMs * (1 + HOLD_JITTER * (2 * random() - 1));
}
