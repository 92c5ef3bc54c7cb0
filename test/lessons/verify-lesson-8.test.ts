// `npm run lesson -- verify 8` on an SSE stream that resumes: the reference
// solution passes; the committed starting copy (no ids, Last-Event-ID
// ignored, no retry, no held slot) fails every check, each hint naming the
// TODO to write; and a copy with one mistake put back is caught where it should be.

import { describe, expect, it } from 'vitest';
import { findLesson, type Lesson } from '../../lessons/catalog.ts';
import { setLanguage } from '../../lessons/language.ts';
import { allPassed, type VerifyReport } from '../../lessons/verify/outcome.ts';
import { checkSseResume } from '../../lessons/verify/sse-resume-check.ts';
import { verifyLesson } from '../../lessons/verify/verify-lesson.ts';
import { withPristineExercise } from './support/pristine-exercise.ts';
import { withSolutionVariant, type Edit } from './support/solution-variant.ts';

const LESSON: Lesson = findLesson(8)!;

function failed(report: VerifyReport): { check: string; hint?: string }[] {
  return report.outcomes.filter((outcome) => !outcome.passed).map(({ check, hint }) => ({ check, hint }));
}

describe('verify 8', () => {
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

  it('says what is missing in Chinese when the runner speaks zh-CN', async () => {
    setLanguage('zh-CN');
    try {
      const { outcomes } = await checkSseResume({});
      expect(outcomes).toEqual([{ check: '文件导出了这个策略', passed: false, hint: expect.stringMatching(/^保留这一行：`export const sse: Strategy = \{ \.\.\. \}`$/) }]);
    } finally {
      setLanguage('en');
    }
  });

  const mistakes: { mistake: string; edits: Edit[]; fails: RegExp[]; hint: RegExp }[] = [
    {
      mistake: 'prefers ?since= to Last-Event-ID',
      edits: [
        [
          "  if (typeof lastEventId === 'string' && lastEventId !== '') return lastEventId;\n  return query.get('since') ?? undefined;",
          "  return query.get('since') ?? (typeof lastEventId === 'string' ? lastEventId : undefined);",
        ],
      ],
      fails: [/reopened with Last-Event-ID/, /Last-Event-ID the room never gave out/],
      hint: /take the last-event-id header first/,
    },
    {
      mistake: 'forgets a dropped stream',
      edits: [['      this.streams.remove(response);\n', '']],
      fails: [/gives it back when it drops/],
      hint: /still shows held 2/,
    },
    {
      mistake: 'never gives a slot back',
      edits: [['      this.heldBudget.release();\n', '']],
      fails: [/gives it back when it drops/],
      hint: /never given back/,
    },
  ];

  it.each(mistakes)('catches a copy that $mistake, where it should', async ({ edits, fails, hint }) => {
    const report = await withSolutionVariant(LESSON, edits, (file) => verifyLesson(LESSON, { file }));
    expect(failed(report).map(({ check }) => check)).toEqual(fails.map((check) => expect.stringMatching(check)));
    expect(failed(report)[0].hint).toMatch(hint);
  });
});
