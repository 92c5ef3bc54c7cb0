// `npm run lesson -- verify 5` on the cost model: the committed starting copy
// fails at once, without the bench, each hint naming the function still to
// write; against one real bench run on this machine (the check's own load),
// the reference solution passes and a model that forgets what messages do to
// a long poll fails the checks that depend on it, and only those.

import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BenchResults } from '../../bench/result-types.ts';
import { exercisePath, findLesson, type Lesson } from '../../lessons/catalog.ts';
import { setLanguage } from '../../lessons/language.ts';
import { judgeCostModel, measureTheLoad } from '../../lessons/verify/cost-model-check.ts';
import type { CheckOutcome } from '../../lessons/verify/outcome.ts';
import { verifyLesson } from '../../lessons/verify/verify-lesson.ts';
import { withPristineExercise } from './support/pristine-exercise.ts';
import { withSolutionVariant } from './support/solution-variant.ts';

const LESSON: Lesson = findLesson(5)!;
/** The bench run the check makes: two points on a fresh server each, on a machine other tests share. */
const BENCH_LIMIT_MS = 180_000;

/** The hint of the failed check whose description matches `check`; undefined if that check passed. */
function hintOfFailed(outcomes: CheckOutcome[], check: RegExp): string | undefined {
  const outcome = outcomes.find((each) => check.test(each.check));
  if (!outcome) throw new Error(`no check matching ${check} in the report`);
  return outcome.passed ? undefined : (outcome.hint ?? '');
}

async function load(file: string): Promise<Record<string, unknown>> {
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

describe('verify 5', () => {
  it('fails at once on the untouched starting copy, without running the bench, naming each function to write', async () => {
    const report = await withPristineExercise(LESSON, (file) => verifyLesson(LESSON, { file }));
    expect(report.outcomes.length).toBe(4);
    for (const outcome of report.outcomes) expect(outcome.passed, outcome.check).toBe(false);
    expect(hintOfFailed(report.outcomes, /^requestsPerSecond\(\) predicts short-poll/)).toMatch(/requestsPerSecond\(\) threw "TODO/);
    expect(hintOfFailed(report.outcomes, /^heldConnections/)).toMatch(/heldConnections\(\) threw "TODO/);
    expect(hintOfFailed(report.outcomes, /^messagesPerAnswer/)).toMatch(/messagesPerAnswer\(\) threw "TODO/);
    expect(report.notes.join('\n')).toMatch(/bench was not run/);
  });

  it('says the same in Chinese when the runner speaks zh-CN', async () => {
    setLanguage('zh-CN');
    try {
      const report = await withPristineExercise(LESSON, (file) => verifyLesson(LESSON, { file }));
      expect(report.outcomes.length).toBe(4);
      expect(hintOfFailed(report.outcomes, /^requestsPerSecond\(\) 对 short-poll 空闲时和聊天时的预测，与实测相差在 \d 倍以内$/)).toMatch(
        /^requestsPerSecond\(\) 抛出了“TODO.*\n先想一个客户端：短轮询每隔 pollIntervalMs 问一次/,
      );
      expect(report.notes.join('\n')).toMatch(/没有运行压测/);
    } finally {
      setLanguage('en');
    }
  });

  describe('against a real bench on this machine', () => {
    let results: BenchResults;
    beforeAll(async () => {
      results = await measureTheLoad();
    }, BENCH_LIMIT_MS);

    it('passes the reference solution, and notes the measured cost per delivery', async () => {
      const { outcomes, notes } = judgeCostModel(await load(exercisePath(LESSON, 'solution')!), results);
      expect(outcomes.filter((outcome) => !outcome.passed)).toEqual([]);
      expect(notes.join('\n')).toMatch(/Server CPU per delivered message, .*short-poll [\d.]+ µs, long-poll [\d.]+ µs/);
    });

    it('fails a model whose long poll ignores the messages, showing its prediction beside the measurement', async () => {
      const wrong: [string, string] = ['Math.max(load.messagesPerSecond, 1000 / load.holdTimeoutMs)', '(1000 / load.holdTimeoutMs)'];
      const { outcomes } = await withSolutionVariant(LESSON, [wrong], async (file) => judgeCostModel(await load(file), results));
      expect(hintOfFailed(outcomes, /^requestsPerSecond\(\) predicts long-poll/)).toMatch(/long-poll, [\d.]+ messages\/s: you predicted 50, the bench measured [\d.]+/);
      expect(hintOfFailed(outcomes, /^requestsPerSecond\(\) predicts short-poll/)).toBeUndefined();
      expect(hintOfFailed(outcomes, /^heldConnections/)).toBeUndefined();
    });
  });
});
