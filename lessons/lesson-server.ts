// The server a lesson works against, started by `npm run lesson -- <n>`:
// the lesson's strategy and flags (lessons/index.json), any `npm start` flag
// the student adds on top, for a bounded time (a forgotten terminal does not
// keep a port busy after class).
//
// Each lesson has a room of its own, <data-dir>/lesson-<n>/, emptied every
// time the lesson starts (unless --keep): what a lesson's commands print is
// what that lesson did, not the history of every lesson before it. No lesson
// needs messages to start with: their commands post the ones they read.
//
// The page is built first, as `npm start` does (its prestart), so a fresh
// clone serves a working chat. With --exercise, the student's copy takes the
// place of the project's code: a server strategy (lessons 3, 4, 8) is mounted
// instead of the one of the same name; a module of the page (lesson 2's
// nextPollDelay) is bundled into a page of the lesson's own.

import { say } from './language.ts';
import { rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startShell, type RunningShell } from '../shell/shell.ts';
import { camelCase, defaultSettings, strategies as registeredStrategies } from '../strategies/registry.ts';
import type { Strategy } from '../strategies/strategy.ts';
import { buildWeb } from '../web/build.ts';
import { exercisePath, PROJECT_ROOT, type Lesson, type LessonServer } from './catalog.ts';

/**
 * Exercises that replace a module of the page rather than a strategy: the
 * module they stand in for, and the flags the exercise is written for
 * (lesson 2's problem.md: minMs 250, so waits of 250 ms up to 4 s).
 */
const PAGE_EXERCISES: Record<string, { replaces: string; flags: Record<string, number> }> = {
  'lesson-2/adaptive-delay.ts': { replaces: 'web/transports/poll-delay.ts', flags: { 'poll-interval': 250 } },
};

export interface LessonServerOptions {
  port: number;
  host: string;
  /** Each lesson's room is the folder lesson-<n> in this one. */
  dataDir: string;
  /** Keep the lesson's room from last time instead of starting it empty. */
  keep: boolean;
  /** Serve the student's copy of the lesson's exercise in place of the project's code. */
  exercise: boolean;
  /** `npm start` flags given on the command line, by flag name ("mtime-hold-timeout"): they win over the lesson's. */
  flags: Record<string, number>;
  /** --max-held and --history, when given. */
  maxHeld?: number;
  historyLimit?: number;
}

export interface RunningLesson {
  shell: RunningShell;
  /** The lesson's folder: its message log, the mtime strategy's data file. */
  roomDir: string;
  /** The same server as an `npm start` command line, to say what is running. */
  equivalentCommand: string;
  /** Where the page it serves was built, and from what. */
  pageNote: string;
}

export async function startLessonServer(lesson: Lesson & { server: LessonServer }, options: LessonServerOptions): Promise<RunningLesson> {
  const roomDir = join(options.dataDir, `lesson-${lesson.number}`);
  if (!options.keep) await rm(roomDir, { recursive: true, force: true });

  const page = options.exercise ? PAGE_EXERCISES[lesson.exercise ?? ''] : undefined;
  const flags = { ...lesson.server.flags, ...page?.flags, ...options.flags };
  const settings = defaultSettings();
  for (const [flag, value] of Object.entries(flags)) settings[camelCase(flag)] = value;

  let strategies = registeredStrategies;
  let pageFolder: string | undefined;
  let pageNote = say('built into web/dist/, as npm start does', '已构建到 web/dist/，与 npm start 相同');
  if (page) {
    pageFolder = join(roomDir, 'page');
    const studentFile = exercisePath(lesson, 'exercise')!;
    await buildWeb({ outdir: pageFolder, replace: { [join(PROJECT_ROOT, page.replaces)]: studentFile } });
    pageNote = say(`built into ${pageFolder}/ with your ${relative(PROJECT_ROOT, studentFile)} in place of ${page.replaces}`, `已构建到 ${pageFolder}/，用你的 ${relative(PROJECT_ROOT, studentFile)} 代替 ${page.replaces}`);
  } else {
    await buildWeb();
    if (options.exercise) strategies = await withStudentStrategy(lesson);
  }

  const shell = await startShell({
    port: options.port,
    host: options.host,
    dataDir: roomDir,
    defaultStrategy: lesson.server.strategy,
    settings,
    maxHeld: options.maxHeld,
    historyLimit: options.historyLimit,
    strategies,
    staticMounts: pageFolder ? mountsServingPage(pageFolder) : undefined,
  });
  const shownFlags = Object.entries(flags).map(([flag, value]) => ` --${flag} ${value}`).join('');
  const equivalentCommand = `npm start -- --strategy ${lesson.server.strategy}${shownFlags} --data-dir ${roomDir}`;
  return { shell, roomDir, equivalentCommand, pageNote };
}

/** The registry's strategies, with the student's copy in place of the one of the same name. */
async function withStudentStrategy(lesson: Lesson): Promise<readonly Strategy[]> {
  const file = exercisePath(lesson, 'exercise');
  const module = file ? ((await import(pathToFileURL(file).href)) as Record<string, unknown>) : {};
  const student = Object.values(module).find(isStrategy);
  if (!student) {
    throw new Error(`lesson ${lesson.number}'s exercise is neither a server strategy nor a part of the page: --exercise does not apply (check it with npm run lesson -- verify ${lesson.number})`);
  }
  return registeredStrategies.map((strategy) => (strategy.name === student.name ? student : strategy));
}

function isStrategy(value: unknown): value is Strategy {
  return typeof value === 'object' && value !== null && typeof (value as Strategy).start === 'function' && typeof (value as Strategy).name === 'string';
}

/** The shell's own mounts (shell/shell.ts), with the lesson's page first: its /dist/*.js win over web/dist/. */
function mountsServingPage(pageFolder: string) {
  return [
    { urlPrefix: '/dist', folder: pageFolder },
    { urlPrefix: '/results', folder: join(PROJECT_ROOT, 'results') },
    { urlPrefix: '/lessons', folder: join(PROJECT_ROOT, 'lessons') },
    { urlPrefix: '/', folder: join(PROJECT_ROOT, 'web') },
  ];
}
