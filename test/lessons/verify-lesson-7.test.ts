// `npm run lesson -- verify 7` on its two exercises. readAfter() against a
// private redis-server: the reference solution passes; the committed starting
// copy (the whole stream, whatever the cursor) fails the three read checks
// with hints naming the TODO; an inclusive start and a read that stops after
// one page are each caught. The capacity model against the committed bench
// figures: its starting copy fails every check, a model that counts each
// message's Redis commands on one server only is caught, and the lesson
// quotes the very figures the checker uses.

import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findLesson, readLessonMarkdown, type Lesson } from '../../lessons/catalog.ts';
import { setLanguage } from '../../lessons/language.ts';
import { CAPACITY_FIGURES, checkCapacityModel } from '../../lessons/verify/capacity-model-check.ts';
import { allPassed, type CheckOutcome } from '../../lessons/verify/outcome.ts';
import { verifyLesson } from '../../lessons/verify/verify-lesson.ts';
import { skipRedisSuites } from '../support/redis.ts';
import { withPristineExercise } from './support/pristine-exercise.ts';
import { withSolutionVariant } from './support/solution-variant.ts';

const LESSON: Lesson = findLesson(7)!;
/** The same lesson, seen from its second file: the helpers then copy capacity-model.ts. */
const CAPACITY_MODEL: Lesson = { ...LESSON, exercise: 'lesson-7/capacity-model.ts' };

/** The hint of the failed check whose description matches `check`; undefined if that check passed. */
function hintOfFailed(outcomes: CheckOutcome[], check: RegExp): string | undefined {
  const outcome = outcomes.find((each) => check.test(each.check));
  if (!outcome) throw new Error(`no check matching ${check} in the report`);
  return outcome.passed ? undefined : (outcome.hint ?? '');
}

async function checkCapacityFile(file: string): Promise<{ outcomes: CheckOutcome[]; notes: string[] }> {
  return checkCapacityModel((await import(pathToFileURL(file).href)) as Record<string, unknown>);
}

describe.skipIf(skipRedisSuites)('verify 7 (readAfter against a private redis-server)', () => {
  it('passes on the reference solutions, and prints the capacity the model works out', async () => {
    const report = await verifyLesson(LESSON, { solution: true });
    expect(report.outcomes.filter((outcome) => !outcome.passed)).toEqual([]);
    expect(allPassed(report)).toBe(true);
    expect(report.notes.join('\n')).toMatch(/\(a\) rooms of 30: .* \d+ servers, \d+ Redis shards?/);
  });

  it('fails on the untouched starting copy: each read check, with a hint naming its TODO', async () => {
    // Only the read checks: the capacity model beside the copy is the working one, which a student may have solved.
    const report = await withPristineExercise(LESSON, (file) => verifyLesson(LESSON, { file }));
    expect(hintOfFailed(report.outcomes, /after the cursor/)).toMatch(/That is the whole stream.*TODO 1/);
    expect(hintOfFailed(report.outcomes, /in pages of pageSize/)).toMatch(/25 messages to read, 30 returned/);
    expect(hintOfFailed(report.outcomes, /one server reads on the other/)).toMatch(/read twice/);
  });

  it("catches an inclusive start: the cursor's own message comes back", async () => {
    const report = await withSolutionVariant(LESSON, [['`(${after}`', 'after']], (file) => verifyLesson(LESSON, { file }));
    expect(hintOfFailed(report.outcomes, /after the cursor/)).toMatch(/cursor's own message came back.*`\(\$\{cursor\}`/);
  });

  it('catches a read that stops after one page', async () => {
    const report = await withSolutionVariant(LESSON, [['    after = page[page.length - 1][0];', '    return messages;']], (file) => verifyLesson(LESSON, { file }));
    expect(hintOfFailed(report.outcomes, /after the cursor/)).toBeUndefined();
    expect(hintOfFailed(report.outcomes, /in pages of pageSize/)).toMatch(/It stopped after one page/);
  });
});

describe('verify 7 (the capacity model against results/latest.json)', () => {
  it('fails every check on the untouched starting copy, naming the function not written yet', async () => {
    const { outcomes } = await withPristineExercise(CAPACITY_MODEL, checkCapacityFile);
    expect(outcomes.length).toBe(4);
    for (const outcome of outcomes) expect(outcome.hint, outcome.check).toMatch(/threw "TODO: \w+ is not written yet"/);
  });

  it('says the same in Chinese when the runner speaks zh-CN', async () => {
    setLanguage('zh-CN');
    try {
      const { outcomes } = await withPristineExercise(CAPACITY_MODEL, checkCapacityFile);
      expect(hintOfFailed(outcomes, /^deliveriesPerSecond\(\) 正确算出两种场景$/)).toMatch(
        /^（a）30 人的聊天室：它抛出了“TODO: deliveriesPerSecond is not written yet”\n.*\n每个客户端每隔 secondsBetweenMessages 秒收到一条消息/,
      );
    } finally {
      setLanguage('en');
    }
  });

  it('catches a model that counts each message on one server, not on every server holding its room', async () => {
    const wrong: [string, string] = ['redis.commandsPerMessage + serversPerRoom * redis.commandsPerMessagePerServer', 'redis.commandsPerMessage + redis.commandsPerMessagePerServer'];
    const { outcomes } = await withSolutionVariant(CAPACITY_MODEL, [wrong], checkCapacityFile);
    expect(hintOfFailed(outcomes, /^redisShardsNeeded/)).toMatch(/\(a\) rooms of 30, [^:]+: \d+ is not it/);
    expect(hintOfFailed(outcomes, /^serversNeeded/)).toBeUndefined();
  });

  it('uses the figures lesson 7 quotes', () => {
    const markdown = readLessonMarkdown(LESSON);
    for (const path of Object.values(CAPACITY_FIGURES)) expect(markdown).toContain(`{{bench: ${path}}}`);
  });
});
