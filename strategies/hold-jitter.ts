// Jitter: spreading out the clients a server would otherwise send back together.
//
// Clients that connected together (after a restart, after one message woke
// them all) would otherwise time out together and come back in the same
// millisecond; streams dropped together (a restart) would reconnect
// together. Moving each hold timeout, and each SSE reconnect delay, by up to
// 10% either way spreads the returns, so the server sees a steady trickle
// instead of a stampede.

/** A delay lasts its nominal time, give or take this fraction. */
export const JITTER = 0.1;

/** `ms` moved at random by up to ±10%. */
export function withJitter(ms: number, random: () => number = Math.random): number {
  return ms * (1 + JITTER * (2 * random() - 1));
}
