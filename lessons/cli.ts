// `npm run lesson -- ...`: the course from the command line.
//
//   npm run lesson -- list                 the lessons, their length, which have an exercise
//   npm run lesson -- 3                    print lesson 3's steps and start the server it needs
//   npm run lesson -- 3 --exercise         ...serving your copy of the lesson's strategy
//   npm run lesson -- show 3               the whole lesson, figures filled in from the bench
//   npm run lesson -- verify 3             check your exercise (--solution: the reference one)

import yargs from 'yargs/yargs';
import { hideBin } from 'yargs/helpers';
import { fillInFigures, readBenchResults } from './bench-figures.ts';
import { findLesson, loadLessons, readLessonMarkdown, type Lesson } from './catalog.ts';
import { startLessonServer } from './lesson-server.ts';
import { lessonParts } from './markdown-blocks.ts';
import { hasChecker, verifyLesson } from './verify/verify-lesson.ts';
import { allPassed, formatReport } from './verify/outcome.ts';

/** A lesson's server stops by itself after this long, unless --minutes says otherwise. */
const DEFAULT_SERVER_MINUTES = 45;
const USAGE_ERROR_EXIT = 2;

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
    (command) =>
      command
        .positional('lesson', { type: 'number', demandOption: true })
        .option('port', { type: 'number', default: 3000, describe: 'Port for the lesson server (0 picks a free one)' })
        .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on (0.0.0.0 lets a classroom in)' })
        .option('data-dir', { type: 'string', default: './data', describe: 'Folder for data files' })
        .option('minutes', { type: 'number', default: DEFAULT_SERVER_MINUTES, describe: 'Stop the server after this many minutes' })
        .option('exercise', { type: 'boolean', default: false, describe: "Serve your copy of the lesson's strategy (lessons/exercises/)" }),
    async (argv) => {
      const lesson = lessonOrExit(argv.lesson);
      console.log(lessonSteps(lesson));
      if (!lesson.server) return console.log('\nThis lesson starts its own processes: nothing to serve.');
      await serveLesson(lesson as Lesson & { server: NonNullable<Lesson['server']> }, argv);
    },
  )
  .example('$0 list', 'what the course holds')
  .example('$0 3', 'lesson 3: its steps, and a server running the mtime strategy')
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

/** The lesson's headings and the commands under them: what to do, in order. */
function lessonSteps(lesson: Lesson): string {
  const lines = [`Lesson ${lesson.number}: ${lesson.title} (about ${lesson.minutes} minutes)`, `Read it: lessons/${lesson.file}  (or: npm run lesson -- show ${lesson.number})`];
  if (lesson.teaches.length > 0) lines.push(`It explains: ${lesson.teaches.join(', ')}`);
  const markdown = readLessonMarkdown(lesson);
  for (const part of lessonParts(markdown)) {
    if (part.type === 'heading' && part.depth === 2) lines.push('', `== ${part.text}`);
    if (part.type === 'heading' && part.text === 'Goals') lines.push(...goals(markdown));
    if (part.type === 'heading' && part.depth === 3) lines.push('', `-- ${part.text}`);
    if (part.type !== 'shell') continue;
    const { kind, code } = part.block;
    lines.push('', ...code.split('\n').map((line) => `   $ ${line}`));
    if (kind === 'server' && code.trim() === `npm run lesson -- ${lesson.number}`) lines.push('     (the server this command starts below)');
    else if (kind === 'server' && /(^|\s)--port[=\s]+[1-9]/.test(code)) lines.push('     (keeps running beside the others: give it a terminal of its own and leave it there)');
    else if (kind === 'server') lines.push('     (a server of its own: stop the running one with Ctrl-C, then run this in its terminal)');
    else if (kind === 'by-hand') lines.push('     (run it by hand, when the lesson says so)');
  }
  return lines.join('\n');
}

/** The bullet points of the lesson's Goals section. */
function goals(markdown: string): string[] {
  const section = /^## Goals\n([\s\S]*?)^## /m.exec(markdown)?.[1] ?? '';
  return section.split('\n').filter((line) => line.trim() !== '').map((line) => `   ${line}`);
}

async function serveLesson(lesson: Lesson & { server: NonNullable<Lesson['server']> }, argv: { port: number; host: string; dataDir: string; minutes: number; exercise: boolean }): Promise<void> {
  const shell = await startLessonServer(lesson, argv).catch((error: Error) => {
    console.error(`Could not start the lesson's server: ${error.message}`);
    process.exit(1);
  });
  const flags = Object.entries(lesson.server.flags ?? {}).map(([flag, value]) => ` --${flag} ${value}`).join('');
  console.log(`\nServing lesson ${lesson.number} on ${shell.url}  (as: npm start -- --strategy ${lesson.server.strategy}${flags}${argv.exercise ? ', with your copy of the strategy' : ''})`);
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
