// The browser client's one back-off rule (web/transports/backoff.ts), which
// every transport that backs off follows. Plain arithmetic: it runs in Node,
// sampled many times because of its jitter.

import { describe, expect, it } from 'vitest';
import { retryDelay } from '../../web/transports/backoff.ts';

const SAMPLES = 200;

function delays(failuresInARow: number, retryAfter?: string): number[] {
  const answer = retryAfter === undefined ? undefined : { headers: new Headers({ 'Retry-After': retryAfter }) };
  return Array.from({ length: SAMPLES }, () => retryDelay(failuresInARow, answer));
}

function expectWithin(values: number[], min: number, max: number): void {
  expect(Math.min(...values)).toBeGreaterThanOrEqual(min);
  expect(Math.max(...values)).toBeLessThanOrEqual(max);
  // Jitter: the waits of clients that failed together are spread, not equal.
  expect(new Set(values).size).toBeGreaterThan(1);
}

describe('the back-off after a failure', () => {
  it('waits half a second at most after one failure, doubling with each further one, up to 15 s', () => {
    expectWithin(delays(1), 250, 500);
    expectWithin(delays(2), 500, 1000);
    expectWithin(delays(4), 2000, 4000);
    expectWithin(delays(12), 7500, 15_000);
  });

  it('never tries again before the Retry-After the server sent, and adds jitter on top of it', () => {
    expectWithin(delays(1, '2'), 2000, 3000);
    // A long failure streak already waits longer than the server asked: the longer wait wins.
    expectWithin(delays(6, '2'), 7500, 15_000);
  });

  it('reads Retry-After as an HTTP date too, and ignores one it cannot read', () => {
    // An HTTP date has whole seconds: 3 s ahead is 2 to 3 s from now.
    expectWithin(delays(1, new Date(Date.now() + 3000).toUTCString()), 2000, 4500);
    expectWithin(delays(1, 'soon'), 250, 500);
  });
});
