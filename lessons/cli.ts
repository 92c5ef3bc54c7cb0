// `npm run lesson -- ...`: the course from the command line.
//
//   npm run lesson -- list                 the lessons, their length, which have an exercise
//   npm run lesson -- 3                    print lesson 3's steps and start the server it needs
//   npm run lesson -- 3 --exercise         ...serving your copy of the lesson's exercise
//   npm run lesson -- 3 --hold-timeout 5000  ...with any flag of npm start on top of the lesson's
//   npm run lesson -- show 3               the whole lesson, figures filled in from the bench
//   npm run lesson -- verify 3             check your exercise (--solution: the reference one)

import type { Argv } from 'yargs';
import yargs from 'yargs/yargs';
import { hideBin } from 'yargs/helpers';
import { camelCase, strategies } from '../strategies/registry.ts';
import { fillInFigures, readBenchResults } from './bench-figures.ts';
import { findLesson, loadLessons, readLessonMarkdown, type Lesson } from './catalog.ts';
import { startLessonServer, type LessonServerOptions } from './lesson-server.ts';
import { lessonParts } from './markdown-blocks.ts';
import { hasChecker, verifyLesson } from './verify/verify-lesson.ts';
import { allPassed, formatReport } from './verify/outcome.ts';

/** A lesson's server stops by itself after this long, unless --minutes says otherwise. */
const DEFAULT_SERVER_MINUTES = 45;
const USAGE_ERROR_EXIT = 2;
/** Sections the steps leave out or annotate: the steps are the commands; the lesson holds the rest. */
const TEACHER_ONLY = "Teacher's note";
const SECTION_NOTES: Record<string, string> = {
  'Predict, then measure': 'write down the predictions in the lesson before you run these',
};
const NO_COMMAND_NOTE = '  (nothing to type: the lesson says what to do)';

await yargs(hideBin(process.argv))
  .scriptName('npm run lesson --')
  .usage('$0 <command>\n\nThe pollbench course: list the lessons, follow one, check your exercises.')
  .command('list', 'List the lessons', {}, () => listLessons())
  .command(
    'show <lesson>',
    'Print a whole lesson, with the figures from results/latest.json filled in',
    (command) => command.positional('lesson', { type: 'number', demandOption: true }),
    (argv) => console.log(fillInFigures(readLessonMarkdown(lessonOrExit(argv.lesson)), readBenchResults())),
  )
  .command(
    'verify <lesson>',
    "Check your exercise for a lesson with real requests, and say what is still wrong",
    (command) =>
      command
        .positional('lesson', { type: 'number', demandOption: true })
        .option('solution', { type: 'boolean', default: false, describe: 'Check the reference solution instead of your copy' })
        .option('file', { type: 'string', describe: 'Check this file instead of lessons/exercises/...' }),
    async (argv) => {
      const lesson = lessonOrExit(argv.lesson);
      if (!hasChecker(lesson)) return usageError(`Lesson ${lesson.number} has no code exercise to verify: its exercises are answered in its teacher's note.`);
      const report = await verifyLesson(lesson, { solution: argv.solution, file: argv.file });
      console.log(formatReport(report));
      process.exitCode = allPassed(report) ? 0 : 1;
    },
  )
  .command(
    '$0 <lesson>',
    "Print a lesson's steps and start the server it needs",
    (command) => {
      const typed = command
        .positional('lesson', { type: 'number', demandOption: true })
        .option('port', { type: 'number', default: 3000, describe: 'Port for the lesson server (0 picks a free one)' })
        .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on (0.0.0.0 lets a classroom in)' })
        .option('data-dir', { type: 'string', default: './data', describe: 'Each lesson keeps its own room in lesson-<n>/ under this folder' })
        .option('keep', { type: 'boolean', default: false, describe: "Keep the lesson's room from last time (by default it starts empty)" })
        .option('minutes', { type: 'number', default: DEFAULT_SERVER_MINUTES, describe: 'Stop the server after this many minutes' })
        .option('exercise', { type: 'boolean', default: false, describe: "Serve your copy of the lesson's exercise (lessons/exercises/)" })
        .option('max-held', { type: 'number', describe: 'Requests held open at once (as npm start)' })
        .option('history', { type: 'number', describe: 'Messages the room keeps (as npm start)' });
      addStrategyFlags(typed);
      return typed;
    },
    async (argv) => {
      const lesson = lessonOrExit(argv.lesson);
      console.log(lessonSteps(lesson));
      if (!lesson.server) return console.log('\nThis lesson starts its own processes: nothing to serve.');
      await serveLesson(lesson as Lesson & { server: NonNullable<Lesson['server']> }, { ...argv, flags: strategyFlagsGiven(argv) });
    },
  )
  .example('$0 list', 'what the course holds')
  .example('$0 3', 'lesson 3: its steps, and a server running the mtime strategy')
  .example('$0 2 --poll-interval 500', 'lesson 2, with any flag of npm start')
  .example('$0 verify 3', 'check your copy of lessons/exercises/lesson-3/')
  .strict()
  .help()
  .fail((message, error) => usageError(message ?? error?.message ?? 'unknown error'))
  .parseAsync();

function listLessons(): void {
  for (const lesson of loadLessons()) {
    const exercise = hasChecker(lesson) ? `  exercise: npm run lesson -- verify ${lesson.number}` : '';
    console.log(`${String(lesson.number).padStart(2)}  ${lesson.title.padEnd(40)} ${String(lesson.minutes).padStart(3)} min  lessons/${lesson.file}${exercise}`);
  }
}

/**
 * The lesson's goals and commands, under their headings, in order: what to do.
 * A section with no command under it is left out (the teacher's note always),
 * a step (###) without one is named with a note: the prose is read in the
 * lesson itself, and the first lines say where.
 */
function lessonSteps(lesson: Lesson): string {
  const lines = [
    `Lesson ${lesson.number}: ${lesson.title} (about ${lesson.minutes} minutes)`,
    `Read it: lessons/${lesson.file}, or npm run lesson -- show ${lesson.number} (figures filled in),`,
    '         or in the Lessons panel beside the chat (its address is printed below).',
    'Below are its goals and its commands, in order; the idea, the predictions to write',
    'down and the exercises are in the lesson.',
  ];
  if (lesson.teaches.length > 0) lines.push(`It explains: ${lesson.teaches.join(', ')}`);
  const markdown = readLessonMarkdown(lesson);
  let section = '';
  /** The section's heading, until something under it is printed. */
  let sectionHeading: string[] = [];
  /** A step's heading (###), until a command under it is printed. */
  let stepTitle: string | undefined;
  const printHeadings = (note = '') => {
    lines.push(...sectionHeading.splice(0));
    if (stepTitle !== undefined) lines.push('', `-- ${stepTitle}${note}`);
    stepTitle = undefined;
  };
  for (const part of lessonParts(markdown)) {
    if (part.type === 'heading' && stepTitle !== undefined) printHeadings(NO_COMMAND_NOTE);
    if (part.type === 'heading' && part.depth === 2) {
      section = part.text;
      const note = SECTION_NOTES[section];
      sectionHeading = ['', `== ${section}${note ? `  (${note})` : ''}`];
      if (section === 'Goals') lines.push(...sectionHeading.splice(0), ...goals(markdown));
      continue;
    }
    if (section === TEACHER_ONLY) continue;
    if (part.type === 'heading' && part.depth === 3) stepTitle = part.text;
    if (part.type !== 'shell') continue;
    printHeadings();
    const { kind, code } = part.block;
    lines.push('', ...code.split('\n').map((line) => `   $ ${line}`));
    if (kind === 'server' && code.trim() === `npm run lesson -- ${lesson.number}`) lines.push('     (the server this command starts below)');
    else if (kind === 'server' && /(^|\s)--port[=\s]+[1-9]/.test(code)) lines.push('     (keeps running beside the others: give it a terminal of its own and leave it there)');
    else if (kind === 'server') lines.push('     (a server of its own: stop the running one with Ctrl-C, then run this in its terminal)');
    else if (kind === 'by-hand') lines.push('     (run it by hand, when the lesson says so)');
  }
  if (stepTitle !== undefined) printHeadings(NO_COMMAND_NOTE);
  return lines.join('\n');
}

/** The bullet points of the lesson's Goals section. */
function goals(markdown: string): string[] {
  const section = /^## Goals\n([\s\S]*?)^## /m.exec(markdown)?.[1] ?? '';
  return section.split('\n').filter((line) => line.trim() !== '').map((line) => `   ${line}`);
}

async function serveLesson(lesson: Lesson & { server: NonNullable<Lesson['server']> }, argv: Omit<LessonServerOptions, 'maxHeld' | 'historyLimit'> & { minutes: number; maxHeld?: number; history?: number }): Promise<void> {
  const running = await startLessonServer(lesson, { ...argv, historyLimit: argv.history }).catch((error: Error) => {
    console.error(`Could not start the lesson's server: ${error.message}`);
    process.exit(1);
  });
  const { shell, roomDir, equivalentCommand, pageNote } = running;
  console.log(`\nServing lesson ${lesson.number} on ${shell.url}${argv.exercise ? ', with your copy of the exercise' : ''}`);
  console.log(`  as: ${equivalentCommand}`);
  console.log(`  its room: ${roomDir}/, ${argv.keep ? 'kept from last time' : 'empty at the start (--keep keeps it next time)'}`);
  console.log(`  its page: ${pageNote}`);
  console.log(`  the lesson beside the chat: ${shell.url}/?lesson=${lesson.number}`);
  console.log(`It stops by itself after ${argv.minutes} min. Ctrl-C stops it now.`);
  const stop = async () => {
    await shell.close();
    process.exit(0);
  };
  const deadline = setTimeout(() => {
    console.log(`\n${argv.minutes} minutes are up: stopping the lesson server.`);
    void stop();
  }, argv.minutes * 60_000);
  deadline.unref(); // the listening server keeps the process alive; the deadline alone must not
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

/** Every option of every strategy, as npm start has them, with no default: the lesson's own flags apply unless one is given. */
function addStrategyFlags<T>(command: Argv<T>): void {
  for (const strategy of strategies) {
    for (const option of strategy.options) command.option(option.flag, { type: 'number', describe: `[${strategy.name}] ${option.describe}` });
  }
  command.check((parsed) => {
    const argv = parsed as Record<string, unknown>;
    for (const strategy of strategies) {
      for (const option of strategy.options) checkNumber(option.flag, argv[camelCase(option.flag)], option.min ?? 0);
    }
    checkNumber('max-held', argv.maxHeld, 1);
    checkNumber('history', argv.history, 1);
    return true;
  });
}

function checkNumber(flag: string, value: unknown, min: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) throw new Error(`--${flag} must be a number >= ${min}, got ${String(value)}`);
}

/** The strategy flags given on the command line, by flag name. */
function strategyFlagsGiven(argv: Record<string, unknown>): Record<string, number> {
  const given: Record<string, number> = {};
  for (const strategy of strategies) {
    for (const option of strategy.options) {
      const value = argv[camelCase(option.flag)];
      if (typeof value === 'number') given[option.flag] = value;
    }
  }
  return given;
}

function lessonOrExit(number: number): Lesson {
  const lesson = findLesson(number);
  if (!lesson) return usageError(`There is no lesson ${number}. Lessons: ${loadLessons().map((each) => each.number).join(', ')}.`);
  return lesson;
}

function usageError(message: string): never {
  console.error(message);
  console.error('Run npm run lesson -- --help to see the commands.');
  process.exit(USAGE_ERROR_EXIT);
}
