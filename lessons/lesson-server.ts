// The server a lesson works against, started by `npm run lesson -- <n>` with
// the lesson's flags, for a bounded time: a forgotten terminal does not
// keep a port busy after class.

import { pathToFileURL } from 'node:url';
import { startShell, type RunningShell } from '../shell/shell.ts';
import { camelCase, defaultSettings, strategies as registeredStrategies } from '../strategies/registry.ts';
import type { Strategy } from '../strategies/strategy.ts';
import { exercisePath, type Lesson, type LessonServer } from './catalog.ts';

export interface LessonServerOptions {
  port: number;
  host: string;
  dataDir: string;
  /** Serve the student's copy of the lesson's strategy in place of the project's. */
  exercise: boolean;
}

export async function startLessonServer(lesson: Lesson & { server: LessonServer }, options: LessonServerOptions): Promise<RunningShell> {
  const settings = defaultSettings();
  for (const [flag, value] of Object.entries(lesson.server.flags ?? {})) settings[camelCase(flag)] = value;
  return startShell({
    port: options.port,
    host: options.host,
    dataDir: options.dataDir,
    defaultStrategy: lesson.server.strategy,
    settings,
    strategies: options.exercise ? await withStudentStrategy(lesson) : registeredStrategies,
  });
}

/** The registry's strategies, with the student's copy in place of the one of the same name. */
async function withStudentStrategy(lesson: Lesson): Promise<readonly Strategy[]> {
  const file = exercisePath(lesson, 'exercise');
  const module = file ? ((await import(pathToFileURL(file).href)) as Record<string, unknown>) : {};
  const student = Object.values(module).find(isStrategy);
  if (!student) throw new Error(`lesson ${lesson.number}'s exercise is not a server strategy; --exercise does not apply (use npm run lesson -- verify ${lesson.number})`);
  return registeredStrategies.map((strategy) => (strategy.name === student.name ? student : strategy));
}

function isStrategy(value: unknown): value is Strategy {
  return typeof value === 'object' && value !== null && typeof (value as Strategy).start === 'function' && typeof (value as Strategy).name === 'string';
}
