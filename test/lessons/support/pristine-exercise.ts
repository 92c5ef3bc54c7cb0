// The starting copy of an exercise as it was committed, not as the student
// has left it. A class that solved every exercise must keep `npm test` green,
// so the tests that expect verify to FAIL on a starting copy check this copy.
//
// It is written beside the working copy (same folder, a hidden name), so its
// relative imports resolve exactly as the student's do, and removed after.

import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { exercisePath, PROJECT_ROOT, type Lesson } from '../../../lessons/catalog.ts';

const run = promisify(execFile);

/** Run `use` with the path of a fresh copy of the lesson's committed starting file. */
export async function withPristineExercise<T>(lesson: Lesson, use: (file: string) => Promise<T>): Promise<T> {
  const working = exercisePath(lesson, 'exercise');
  if (!working) throw new Error(`lesson ${lesson.number} has no exercise`);
  const pristine = join(dirname(working), `.pristine-${process.pid}-${Date.now()}-${basename(working)}`);
  await writeFile(pristine, await committedText(working));
  try {
    return await use(pristine);
  } finally {
    await rm(pristine, { force: true });
  }
}

/** The file as HEAD has it; the working copy itself where git cannot tell (no repository, a file not yet committed). */
async function committedText(file: string): Promise<string> {
  const path = relative(PROJECT_ROOT, file).split('\\').join('/');
  try {
    const { stdout } = await run('git', ['show', `HEAD:${path}`], { cwd: PROJECT_ROOT, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch {
    return readFile(file, 'utf8');
  }
}
