// `npm run lesson -- verify 4` on park() and wake(): the reference solution
// passes; the committed starting copy (neither written) fails every check,
// each hint naming the TODO to write; and a copy with one mistake put back
// fails the one check about that mistake, and no other.

import { describe, expect, it } from 'vitest';
import { findLesson, type Lesson } from '../../lessons/catalog.ts';
import { setLanguage } from '../../lessons/language.ts';
import { allPassed, type VerifyReport } from '../../lessons/verify/outcome.ts';
import { verifyLesson } from '../../lessons/verify/verify-lesson.ts';
import { withPristineExercise } from './support/pristine-exercise.ts';
import { withSolutionVariant, type Edit } from './support/solution-variant.ts';

const LESSON: Lesson = findLesson(4)!;

/** A leaving client is taken off the list, but its slot is never given back. */
const KEEPS_THE_SLOT: Edit[] = [['      if (this.parked.delete(response)) this.heldBudget.release();\n', '      this.parked.delete(response);\n']];

function failed(report: VerifyReport): { check: string; hint?: string }[] {
  return report.outcomes.filter((outcome) => !outcome.passed).map(({ check, hint }) => ({ check, hint }));
}

describe('verify 4', () => {
  it('passes on the reference solution', async () => {
    const report = await verifyLesson(LESSON, { solution: true });
    expect(failed(report)).toEqual([]);
    expect(allPassed(report)).toBe(true);
  });

  it('fails every check on the untouched starting copy, each hint naming the TODO to write', async () => {
    const report = await withPristineExercise(LESSON, (file) => verifyLesson(LESSON, { file }));
    expect(failed(report)).toHaveLength(report.outcomes.length);
    expect(report.outcomes.length).toBeGreaterThanOrEqual(5);
    for (const { check, hint } of failed(report)) expect(hint, check).toMatch(/TODO \d/);
  });

  const mistakes: { mistake: string; edits: Edit[]; fails: RegExp; hint: RegExp }[] = [
    {
      mistake: 'parks without looking whether a message arrived during the read',
      edits: [['    if (this.messagesSeen !== seenBefore) return false;\n', '']],
      fails: /between the read of the room and the park/,
      hint: /TODO 1/,
    },
    {
      mistake: 'never lets go of a client that leaves',
      edits: [['      if (this.parked.delete(response)) this.heldBudget.release();\n', '']],
      fails: /client that leaves/,
      hint: /still shows held 3/,
    },
    {
      mistake: 'takes a leaving client off the list but keeps its slot',
      edits: KEEPS_THE_SLOT,
      fails: /client that leaves/,
      hint: /got 503/,
    },
    {
      mistake: 'reads the room once per parked request',
      edits: [['for (const [cursor, responses] of byCursor) void this.answerGroup(cursor, responses);', 'for (const [cursor, responses] of byCursor) for (const one of responses) void this.answerGroup(cursor, [one]);']],
      fails: /one read of the room serves 50/,
      hint: /read 50 times/,
    },
  ];

  it.each(mistakes)('catches a copy that $mistake, in that check alone', async ({ edits, fails, hint }) => {
    const report = await withSolutionVariant(LESSON, edits, (file) => verifyLesson(LESSON, { file }));
    expect(failed(report)).toEqual([{ check: expect.stringMatching(fails), hint: expect.stringMatching(hint) }]);
  });

  it('names its checks and writes its hints in Chinese when the runner speaks Chinese', async () => {
    setLanguage('zh-CN');
    try {
      const report = await withSolutionVariant(LESSON, KEEPS_THE_SLOT, (file) => verifyLesson(LESSON, { file }));
      for (const { check } of report.outcomes) expect(check).toMatch(/\p{Script=Han}/u);
      expect(failed(report)).toEqual([{ check: expect.stringMatching(/^离开的客户端会归还它占用的挂起名额/), hint: expect.stringMatching(/收到了 503 .*：离开者的名额从未归还。\n.*TODO 3/) }]);
    } finally {
      setLanguage('en');
    }
  });
});
