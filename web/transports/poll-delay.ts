// How long a short-polling client waits after an answer before it asks again.
// This one keeps the interval the server gave, whatever the answer carried.
//
// Lesson 2's exercise (lessons/exercises/lesson-2/adaptive-delay.ts) is the
// same function made adaptive: `npm run lesson -- 2 --exercise` builds the
// page with the student's file in place of this one (web/build.ts, `replace`),
// so the wire view shows the student's waits.

export interface PollDelayLimits {
  /** The shortest wait: the poll interval. */
  minMs: number;
  /** The longest wait an adaptive client may reach. */
  maxMs: number;
}

/** The wait before the next poll, after an answer that did or did not carry messages. */
export function nextPollDelay(_previousMs: number, _gotMessages: boolean, limits: PollDelayLimits): number {
  return limits.minMs;
}
