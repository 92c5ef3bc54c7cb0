// `npm run lesson -- verify <n>`: load the student's copy of a lesson's
// exercise (or the reference solution) and run that lesson's checker on it.

import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { say } from '../language.ts';
import { exercisePath, PROJECT_ROOT, type Lesson } from '../catalog.ts';
import { checkAdaptiveDelay } from './adaptive-delay-check.ts';
import { checkChatClient } from './chat-client-check.ts';
import { checkCostModel } from './cost-model-check.ts';
import { checkDataFileLog } from './data-file-log-check.ts';
import type { CheckOutcome, VerifyReport } from './outcome.ts';
import { checkParkAndWake } from './park-and-wake-check.ts';
import { checkScaleOut } from './scale-out-check.ts';
import { checkSharedPoll } from './shared-poll-check.ts';
import { checkSseResume } from './sse-resume-check.ts';

/** `file` is the file `module` was loaded from, for a checker that also reads the files beside it. */
type Checker = (module: Record<string, unknown>, file: string) => Promise<{ outcomes: CheckOutcome[]; notes: string[] }>;

/** The checker of each lesson that has a code exercise. */
const CHECKERS: Record<number, Checker> = {
  1: checkChatClient,
  2: checkAdaptiveDelay,
  3: checkDataFileLog,
  4: checkParkAndWake,
  5: checkCostModel,
  6: checkSharedPoll,
  7: checkScaleOut,
  8: checkSseResume,
};

export interface VerifyOptions {
  /** Check the reference solution instead of the student's copy. */
  solution?: boolean;
  /** Check this file instead (a copy the student keeps elsewhere). */
  file?: string;
}

export function hasChecker(lesson: Lesson): boolean {
  return lesson.exercise !== undefined && CHECKERS[lesson.number] !== undefined;
}

export async function verifyLesson(lesson: Lesson, options: VerifyOptions = {}): Promise<VerifyReport> {
  const checker = CHECKERS[lesson.number];
  const file = options.file ?? exercisePath(lesson, options.solution ? 'solution' : 'exercise');
  if (!checker || !file) throw new Error(`lesson ${lesson.number} has no code exercise to verify; its exercises are questions, answered in its teacher's note`);
  const shownFile = relative(PROJECT_ROOT, file) || file;
  if (!existsSync(file)) {
    return { lesson: lesson.number, file: shownFile, outcomes: [{ check: say('the file exists', '文件存在'), passed: false, hint: say(`no file at ${file}`, `${file} 处没有文件`) }], notes: [] };
  }
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const hint = say(`it did not load: ${message}\nRun npx tsc --noEmit to see the error with its line.`, `无法加载：${message}\n运行 npx tsc --noEmit 查看错误及其所在行。`);
    return { lesson: lesson.number, file: shownFile, outcomes: [{ check: say('the file loads', '文件能加载'), passed: false, hint }], notes: [] };
  }
  const { outcomes, notes } = await checker(module, file);
  return { lesson: lesson.number, file: shownFile, outcomes, notes };
}
