// `npm run lesson -- verify 3` on the data-file long poll turned into a log:
// the reference solution passes; the committed starting copy (overwrite,
// whole-second mtime) fails exactly the checks the exercise is about, each
// with a hint naming what to change; a copy that counts characters instead
// of bytes is caught; a file that does not load, or lacks the export, is explained.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLesson, type Lesson } from '../../lessons/catalog.ts';
import { setLanguage } from '../../lessons/language.ts';
import { allPassed, type VerifyReport } from '../../lessons/verify/outcome.ts';
import { verifyLesson } from '../../lessons/verify/verify-lesson.ts';
import { withPristineExercise } from './support/pristine-exercise.ts';
import { withSolutionVariant, type Edit } from './support/solution-variant.ts';

const LESSON: Lesson = findLesson(3)!;

/** The hint of the failed check whose description matches `check`; undefined if that check passed. */
function hintOfFailed(report: VerifyReport, check: RegExp): string | undefined {
  const outcome = report.outcomes.find((each) => check.test(each.check));
  if (!outcome) throw new Error(`no check matching ${check} in the report`);
  return outcome.passed ? undefined : (outcome.hint ?? '');
}

describe('verify 3', () => {
  it('passes on the reference solution, and notes the stat loop that remains', async () => {
    const report = await verifyLesson(LESSON, { solution: true });
    expect(report.outcomes.filter((outcome) => !outcome.passed)).toEqual([]);
    expect(allPassed(report)).toBe(true);
    expect(report.notes.join('\n')).toMatch(/stats of the file in \d+ ms/);
  });

  it('fails on the untouched starting copy: same second, burst and bad cursor, each hint naming the TODO to do', async () => {
    const report = await withPristineExercise(LESSON, (file) => verifyLesson(LESSON, { file }));
    expect(hintOfFailed(report, /delivers a posted message/)).toBeUndefined();
    expect(hintOfFailed(report, /same second/)).toMatch(/currentCursor\(\).*TODO 3/);
    expect(hintOfFailed(report, /burst/)).toMatch(/writeToDataFile\(\) appends \(TODO 1\)/);
    expect(hintOfFailed(report, /past the end of the file/)).toMatch(/parseCursor\(\) \(TODO 2\)/);
  });

  it('catches a cursor counted in characters: é is two bytes, and the burst carries some', async () => {
    const report = await withSolutionVariant(LESSON, [['cursor: String(since + end)', "cursor: String(since + bytes.subarray(0, end).toString('utf8').length)"]], (file) => verifyLesson(LESSON, { file }));
    expect(hintOfFailed(report, /same second/)).toBeUndefined();
    expect(hintOfFailed(report, /burst/)).toMatch(/é is two bytes/);
  });

  it('names its checks and writes its hints in Chinese when the runner speaks Chinese', async () => {
    const unwritten: Edit = ['    // A client without a cursor gets what the file holds now, at once.\n', "    throw new HttpError(501, 'receive() is not written yet');\n"];
    setLanguage('zh-CN');
    try {
      const report = await withSolutionVariant(LESSON, [unwritten], (file) => verifyLesson(LESSON, { file }));
      expect(report.outcomes.length).toBeGreaterThanOrEqual(5);
      for (const outcome of report.outcomes) expect(outcome.passed, outcome.check).toBe(false);
      expect(hintOfFailed(report, /^把发送的消息投递给带着游标请求的客户端$/)).toMatch(/^检查因错误而中止：不带游标的请求收到了 501 .*；它必须立即得到消息和一个游标$/);
      expect(hintOfFailed(report, /^拒绝不是数字或超出文件末尾的游标/)).toMatch(/^检查因错误而中止：/);
    } finally {
      setLanguage('en');
    }
  });
});

describe('verify 3 on a file of your own', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'pollbench-verify-3-'));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it('says so when the file does not load, and how to see why', async () => {
    const file = join(folder, 'broken.ts');
    await writeFile(file, 'export const longPollMtime = ;\n');
    const report = await verifyLesson(LESSON, { file });
    expect(allPassed(report)).toBe(false);
    expect(report.outcomes[0].hint).toMatch(/tsc --noEmit/);
  });

  it('says which export it looks for when the file lacks it', async () => {
    const file = join(folder, 'empty.ts');
    await writeFile(file, 'export const somethingElse = 1;\n');
    const report = await verifyLesson(LESSON, { file });
    expect(allPassed(report)).toBe(false);
    expect(report.outcomes[0].hint).toMatch(/export const longPollMtime/);
  });
});
