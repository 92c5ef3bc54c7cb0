// YOUR COPY of the short-polling client's timing, for the exercise of lesson 2.
//
// A short-polling client asks, gets an answer at once, waits, and asks again.
// This function decides how long it waits before the next request. As it
// stands it always waits the same time, like web/transports/short-poll.ts.
//
// The exercise (lessons/exercises/lesson-2/problem.md): make it adaptive.
//   - After an answer that carried messages, the room is lively: wait `minMs`.
//   - After an empty answer, wait longer than last time (double it, say),
//     but never more than `maxMs`.
//
// Check your work with: npm run lesson -- verify 2

export interface PollDelayLimits {
  /** The shortest wait, used while messages are flowing. */
  minMs: number;
  /** The longest wait, reached after a run of empty answers. */
  maxMs: number;
}

/**
 * How long to wait before the next poll.
 * @param previousMs the wait before the request that just came back (minMs before the first)
 * @param gotMessages whether that answer carried any messages
 */
export function nextPollDelay(previousMs: number, gotMessages: boolean, limits: PollDelayLimits): number {
  return limits.minMs;
}
