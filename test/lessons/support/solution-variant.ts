// A reference solution with one mistake put back in: what a student who got
// most of an exercise right would have. Checking such a copy shows that each
// check of a checker catches its own mistake, and only that one.
//
// The copy is written beside the solution (a hidden name), so its relative
// imports resolve as the solution's do, and removed after.

import { readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { exercisePath, type Lesson } from '../../../lessons/catalog.ts';

/** Each `[from, to]` must occur exactly once in the solution: a solution rewritten since fails loudly here. */
export type Edit = [from: string, to: string];

/** Run `use` with the path of a copy of the lesson's reference solution with `edits` applied. */
export async function withSolutionVariant<T>(lesson: Lesson, edits: Edit[], use: (file: string) => Promise<T>): Promise<T> {
  const solution = exercisePath(lesson, 'solution');
  if (!solution) throw new Error(`lesson ${lesson.number} has no exercise`);
  let text = await readFile(solution, 'utf8');
  for (const [from, to] of edits) {
    const found = text.split(from).length - 1;
    if (found !== 1) throw new Error(`expected the solution of lesson ${lesson.number} to hold ${JSON.stringify(from)} once, found it ${found} times`);
    text = text.replace(from, () => to);
  }
  const variant = join(dirname(solution), `.variant-${process.pid}-${Date.now()}-${basename(solution)}`);
  await writeFile(variant, text);
  try {
    return await use(variant);
  } finally {
    await rm(variant, { force: true });
  }
}
