// `npm run lesson -- verify 1` on the command-line chat client: the reference
// solution passes, through a real server restart on the same port; the
// committed starting copy (one request, then it returns) fails with hints
// naming the loop to write; a client that asks again at once while the
// server is down, or that forgets its cursor after an error, is caught by
// the check about just that.

import { describe, expect, it } from 'vitest';
import { findLesson, type Lesson } from '../../lessons/catalog.ts';
import { setLanguage } from '../../lessons/language.ts';
import { allPassed, type VerifyReport } from '../../lessons/verify/outcome.ts';
import { verifyLesson } from '../../lessons/verify/verify-lesson.ts';
import { withPristineExercise } from './support/pristine-exercise.ts';
import { withSolutionVariant } from './support/solution-variant.ts';

const LESSON: Lesson = findLesson(1)!;

/** The hint of the failed check whose description matches `check`; undefined if that check passed. */
function hintOfFailed(report: VerifyReport, check: RegExp): string | undefined {
  const outcome = report.outcomes.find((each) => check.test(each.check));
  if (!outcome) throw new Error(`no check matching ${check} in the report`);
  return outcome.passed ? undefined : (outcome.hint ?? '');
}

describe('verify 1', () => {
  it('passes on the reference solution, and says how often it asked while the server was down', async () => {
    const report = await verifyLesson(LESSON, { solution: true });
    expect(report.outcomes.filter((outcome) => !outcome.passed)).toEqual([]);
    expect(allPassed(report)).toBe(true);
    expect(report.notes.join('\n')).toMatch(/asked the stand-in \d+ times?, with \?since=\d+/);
  });

  it('fails on the untouched starting copy: it prints the history and stops, and the hints say to loop', async () => {
    const report = await withPristineExercise(LESSON, (file) => verifyLesson(LESSON, { file }));
    const failed = report.outcomes.filter((outcome) => !outcome.passed);
    expect(failed.length).toBe(report.outcomes.length);
    for (const outcome of failed) expect(outcome.hint, outcome.check).toBeTruthy();
    expect(hintOfFailed(report, /prints the history/)).toMatch(/printed {2}"ann: is anyone here\?"\n.*TODO 1/);
    expect(hintOfFailed(report, /keeps asking/)).toMatch(/returned before it was stopped/);
  });

  it('catches a client that asks again at once while the server is down', async () => {
    const report = await withSolutionVariant(LESSON, [['await sleep(retryMs, undefined, { signal }).catch(() => {});', '']], (file) => verifyLesson(LESSON, { file }));
    expect(hintOfFailed(report, /waits between tries/)).toMatch(/it asked \d+ times in 1\.5 s/);
    expect(hintOfFailed(report, /prints what is posted after the restart/)).toBeUndefined();
  });

  it('catches a client that forgets its cursor after an error and prints the history again', async () => {
    const report = await withSolutionVariant(LESSON, [['    } catch {\n', '    } catch {\n      cursor = undefined;\n']], (file) => verifyLesson(LESSON, { file }));
    expect(hintOfFailed(report, /with its cursor/)).toMatch(/printed more than once: "ann: is anyone here\?"/);
    expect(hintOfFailed(report, /waits between tries/)).toBeUndefined();
  });

  it('names its checks and writes its hints in Chinese when the runner speaks Chinese', async () => {
    setLanguage('zh-CN');
    try {
      const report = await withPristineExercise(LESSON, (file) => verifyLesson(LESSON, { file }));
      expect(hintOfFailed(report, /^先打印历史/)).toMatch(/实际打印："ann: is anyone here\?"\n.*TODO 1/);
      expect(hintOfFailed(report, /^一直请求，直到它的 signal 被中止/)).toMatch(/还没有被停止，runChatClient 就返回了。\n.*TODO 2/);
      expect(hintOfFailed(report, /^服务器停机期间，两次尝试之间会等待/)).toMatch(/^未检查：/);
    } finally {
      setLanguage('en');
    }
  });
});
