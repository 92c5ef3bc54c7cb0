// Checks lesson 7's two code exercises together: readAfter() against a
// private Redis (read-after-check.ts), and the capacity model against the
// committed bench figures (capacity-model-check.ts). verify loads the
// lesson's file, read-after.ts; the capacity model is the file beside it,
// so `--solution` and `--file` find theirs in the same folder.

import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../catalog.ts';
import { say } from '../language.ts';
import { checkCapacityModel } from './capacity-model-check.ts';
import type { CheckOutcome } from './outcome.ts';
import { checkReadAfter } from './read-after-check.ts';

const CAPACITY_MODEL_FILE = 'capacity-model.ts';

export async function checkScaleOut(module: Record<string, unknown>, file: string): Promise<{ outcomes: CheckOutcome[]; notes: string[] }> {
  const readAfter = await checkReadAfter(module);
  const capacityFile = join(dirname(file), CAPACITY_MODEL_FILE);
  const capacityModule = await loadBeside(capacityFile);
  const capacity = 'outcome' in capacityModule ? { outcomes: [capacityModule.outcome], notes: [] } : await checkCapacityModel(capacityModule.module);
  return { outcomes: [...readAfter.outcomes, ...capacity.outcomes], notes: [...readAfter.notes, ...capacity.notes] };
}

async function loadBeside(file: string): Promise<{ module: Record<string, unknown> } | { outcome: CheckOutcome }> {
  const shown = relative(PROJECT_ROOT, file) || file;
  if (!existsSync(file)) {
    return { outcome: { check: say(`${CAPACITY_MODEL_FILE} exists beside it`, `它旁边有 ${CAPACITY_MODEL_FILE}`), passed: false, hint: say(`no file at ${shown}`, `${shown} 处没有文件`) } };
  }
  try {
    return { module: (await import(pathToFileURL(file).href)) as Record<string, unknown> };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    const hint = say(`${shown} did not load: ${why}\nRun npx tsc --noEmit to see the error with its line.`, `${shown} 无法加载：${why}\n运行 npx tsc --noEmit 查看错误及其所在行。`);
    return { outcome: { check: say(`${CAPACITY_MODEL_FILE} loads`, `${CAPACITY_MODEL_FILE} 能加载`), passed: false, hint } };
  }
}
