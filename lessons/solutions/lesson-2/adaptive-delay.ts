// REFERENCE SOLUTION to the exercise of lesson 2: a short-polling client that
// polls fast while messages flow and backs off, doubling its wait up to a
// ceiling, while the room is quiet. Your own copy is lessons/exercises/lesson-2/.
//
// Checked by: npm run lesson -- verify 2 --solution

export interface PollDelayLimits {
  /** The shortest wait, used while messages are flowing. */
  minMs: number;
  /** The longest wait, reached after a run of empty answers. */
  maxMs: number;
}

/** Each empty answer multiplies the wait by this much. */
const BACK_OFF_FACTOR = 2;

/**
 * How long to wait before the next poll.
 * @param previousMs the wait before the request that just came back (minMs before the first)
 * @param gotMessages whether that answer carried any messages
 */
export function nextPollDelay(previousMs: number, gotMessages: boolean, limits: PollDelayLimits): number {
  if (gotMessages) return limits.minMs;
  return Math.min(limits.maxMs, previousMs * BACK_OFF_FACTOR);
}
