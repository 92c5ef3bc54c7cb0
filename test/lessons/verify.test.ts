// `npm run lesson -- verify N` is only useful if it tells right from wrong:
// the reference solutions pass, the untouched starting copies fail with a
// hint that points at what to change, and a broken file is explained.

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLesson, PROJECT_ROOT, type Lesson } from '../../lessons/catalog.ts';
import { setLanguage } from '../../lessons/language.ts';
import { allPassed } from '../../lessons/verify/outcome.ts';
import { verifyLesson } from '../../lessons/verify/verify-lesson.ts';
import { withPristineExercise } from './support/pristine-exercise.ts';

const run = promisify(execFile);

function lesson(number: number): Lesson {
  const found = findLesson(number);
  if (!found) throw new Error(`no lesson ${number} in lessons/index.json`);
  return found;
}

describe.each([
  { number: 2, hintOnStart: /return more than previousMs/ },
])('verify $number', ({ number, hintOnStart }) => {
  it('passes on the reference solution', async () => {
    const report = await verifyLesson(lesson(number), { solution: true });
    expect(report.outcomes.filter((outcome) => !outcome.passed)).toEqual([]);
    expect(allPassed(report)).toBe(true);
  });

  it('fails on the untouched starting copy, with a hint for each failed check', async () => {
    const report = await withPristineExercise(lesson(number), (file) => verifyLesson(lesson(number), { file }));
    const failed = report.outcomes.filter((outcome) => !outcome.passed);
    expect(failed.length).toBeGreaterThan(0);
    for (const outcome of failed) expect(outcome.hint, outcome.check).toBeTruthy();
    expect(failed.map((outcome) => outcome.hint).join('\n')).toMatch(hintOnStart);
  });
});

describe('verify 2 in Chinese', () => {
  it('names its checks and writes its hints in Chinese when the runner speaks Chinese', async () => {
    setLanguage('zh-CN');
    try {
      const report = await withPristineExercise(lesson(2), (file) => verifyLesson(lesson(2), { file }));
      const waitsLonger = report.outcomes.find((outcome) => outcome.check === '收到空回答之后，比之前等待得更久');
      expect(waitsLonger?.passed).toBe(false);
      expect(waitsLonger?.hint).toMatch(/^选择的等待时间：[\d, ]+ ms\n收到空回答之后，返回比 previousMs 更大的值/);
    } finally {
      setLanguage('en');
    }
  });
});

describe('verify on a file of your own', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'pollbench-verify-'));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it('says which export it looks for when the file lacks it', async () => {
    const file = join(folder, 'empty.ts');
    await writeFile(file, 'export const somethingElse = 1;\n');
    const report = await verifyLesson(lesson(2), { file });
    expect(allPassed(report)).toBe(false);
    expect(report.outcomes[0].hint).toMatch(/nextPollDelay/);
  });
});

describe('npm run lesson -- verify', () => {
  it('exits 1 and prints FAIL with a hint on the starting copy, 0 on the solution', async () => {
    const cli = ['--import', 'tsx', 'lessons/cli.ts', 'verify', '2'];
    const failing = await withPristineExercise(lesson(2), (file) =>
      run('node', [...cli, '--file', file], { cwd: PROJECT_ROOT }).then(
        () => ({ code: 0, stdout: '' }),
        (error: { code: number; stdout: string }) => error,
      ),
    );
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/FAIL {2}waits longer after an empty answer/);
    expect(failing.stdout).toMatch(/hint: /);
    const { stdout } = await run('node', [...cli, '--solution'], { cwd: PROJECT_ROOT });
    expect(stdout).toMatch(/All 4 checks pass/);
  });

  it('refuses a lesson without a code exercise, with a usage error', async () => {
    const refused = await run('node', ['--import', 'tsx', 'lessons/cli.ts', 'verify', '0'], { cwd: PROJECT_ROOT }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/no code exercise/);
  });
});
