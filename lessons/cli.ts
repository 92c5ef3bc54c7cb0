// `npm run lesson -- ...`: the course from the command line.
//
//   npm run lesson -- list                 the lessons, their length, which have an exercise
//   npm run lesson -- 3                    print lesson 3's steps and start the server it needs
//   npm run lesson -- 3 --exercise         ...serving your copy of the lesson's exercise
//   npm run lesson -- 3 --hold-timeout 5000  ...with any flag of npm start on top of the lesson's
//   npm run lesson -- show 3               the whole lesson, figures filled in from the bench
//   npm run lesson -- verify 3             check your exercise (--solution: the reference one)
//   ... --lang zh-CN                       in Simplified Chinese (the default when LANG starts with zh)

import type { Argv } from 'yargs';
import yargs from 'yargs/yargs';
import { hideBin, Parser } from 'yargs/helpers';
import { camelCase, strategies } from '../strategies/registry.ts';
import { fillInFigures, readBenchResults } from './bench-figures.ts';
import { lessonFileIn, type Language } from '../wire/language.ts';
import { lessonTitle } from '../wire/lesson.ts';
import { findLesson, loadLessons, readLessonMarkdown, type Lesson } from './catalog.ts';
import { chooseLanguage, say, setLanguage } from './language.ts';
import { lessonSteps } from './lesson-steps.ts';
import { startLessonServer, type LessonServerOptions } from './lesson-server.ts';
import { hasChecker, verifyLesson } from './verify/verify-lesson.ts';
import { allPassed, formatReport } from './verify/outcome.ts';

/** A lesson's server stops by itself after this long, unless --minutes says otherwise. */
const DEFAULT_SERVER_MINUTES = 45;
const USAGE_ERROR_EXIT = 2;
/**
 * The language is read before the commands are described, so that their
 * descriptions and every message after are in it: --lang, else LANG.
 */
const language = languageOrExit(Parser(hideBin(process.argv), { string: ['lang'] }).lang as string | undefined);
setLanguage(language);

await yargs(hideBin(process.argv))
  .scriptName('npm run lesson --')
  .locale(language === 'zh-CN' ? 'zh_CN' : 'en')
  .usage(say('$0 <command>\n\nThe pollbench course: list the lessons, follow one, check your exercises.', '$0 <命令>\n\npollbench 课程：列出各课，跟着一课做，检查你的练习。'))
  .option('lang', { type: 'string', describe: say('The language to speak: en or zh-CN (default: from LANG)', '使用的语言：en 或 zh-CN（默认取自 LANG）') })
  .command('list', say('List the lessons', '列出各课'), {}, () => listLessons())
  .command(
    'show <lesson>',
    say('Print a whole lesson, with the figures from results/latest.json filled in', '打印整课内容，并填入 results/latest.json 中的实测数据'),
    (command) => command.positional('lesson', { type: 'number', demandOption: true }),
    (argv) => console.log(fillInFigures(readLessonMarkdown(lessonOrExit(argv.lesson), language), readBenchResults())),
  )
  .command(
    'verify <lesson>',
    say('Check your exercise for a lesson with real requests, and say what is still wrong', '用真实的请求检查某一课的练习，并指出哪里还不对'),
    (command) =>
      command
        .positional('lesson', { type: 'number', demandOption: true })
        .option('solution', { type: 'boolean', default: false, describe: say('Check the reference solution instead of your copy', '检查参考答案，而不是你的文件') })
        .option('file', { type: 'string', describe: say('Check this file instead of lessons/exercises/...', '检查这个文件，而不是 lessons/exercises/... 中的') }),
    async (argv) => {
      const lesson = lessonOrExit(argv.lesson);
      if (!hasChecker(lesson)) return usageError(say(`Lesson ${lesson.number} has no code exercise to verify: its exercises are answered in its teacher's note.`, `第 ${lesson.number} 课没有要检查的代码练习：它的练习答案在教师备注中。`));
      const report = await verifyLesson(lesson, { solution: argv.solution, file: argv.file });
      console.log(formatReport(report));
      process.exitCode = allPassed(report) ? 0 : 1;
    },
  )
  .command(
    '$0 <lesson>',
    say("Print a lesson's steps and start the server it needs", '打印一课的步骤，并启动它需要的服务器'),
    (command) => {
      const typed = command
        .positional('lesson', { type: 'number', demandOption: true })
        .option('port', { type: 'number', default: 3000, describe: say('Port for the lesson server (0 picks a free one)', '课程服务器的端口（0 表示任选一个空闲端口）') })
        .option('host', { type: 'string', default: '127.0.0.1', describe: say('Address to listen on (0.0.0.0 lets a classroom in)', '监听的地址（0.0.0.0 让全班都能连进来）') })
        .option('data-dir', { type: 'string', default: './data', describe: say('Each lesson keeps its own room in lesson-<n>/ under this folder', '每课的聊天室保存在此文件夹下的 lesson-<n>/ 中') })
        .option('keep', { type: 'boolean', default: false, describe: say("Keep the lesson's room from last time (by default it starts empty)", '保留上次的聊天室（默认每次从空聊天室开始）') })
        .option('minutes', { type: 'number', default: DEFAULT_SERVER_MINUTES, describe: say('Stop the server after this many minutes', '这么多分钟后停止服务器') })
        .option('exercise', { type: 'boolean', default: false, describe: say("Serve your copy of the lesson's exercise (lessons/exercises/)", '使用你自己的练习文件（lessons/exercises/）') })
        .option('max-held', { type: 'number', describe: say('Requests held open at once (as npm start)', '同时挂起的请求数上限（同 npm start）') })
        .option('history', { type: 'number', describe: say('Messages the room keeps (as npm start)', '聊天室保留的消息数（同 npm start）') });
      addStrategyFlags(typed);
      return typed;
    },
    async (argv) => {
      const lesson = lessonOrExit(argv.lesson);
      console.log(lessonSteps(lesson, language));
      if (!lesson.server) return console.log(say('\nThis lesson starts its own processes: nothing to serve.', '\n本课自己启动所需的进程：这里没有要启动的服务器。'));
      await serveLesson(lesson as Lesson & { server: NonNullable<Lesson['server']> }, { ...argv, flags: strategyFlagsGiven(argv) });
    },
  )
  .example('$0 list', say('what the course holds', '课程里有什么'))
  .example('$0 3', say('lesson 3: its steps, and a server running the mtime strategy', '第 3 课：它的步骤，以及运行 mtime 策略的服务器'))
  .example('$0 2 --poll-interval 500', say('lesson 2, with any flag of npm start', '第 2 课，可加 npm start 的任何参数'))
  .example('$0 verify 3', say('check your copy of lessons/exercises/lesson-3/', '检查你的 lessons/exercises/lesson-3/'))
  .example('$0 list --lang zh-CN', say('the course in Simplified Chinese', '用简体中文显示课程'))
  .strict()
  .help()
  .fail((message, error) => usageError(message ?? error?.message ?? say('unknown error', '未知错误')))
  .parseAsync();

function listLessons(): void {
  for (const lesson of loadLessons()) {
    const exercise = hasChecker(lesson) ? say(`  exercise: npm run lesson -- verify ${lesson.number}`, `  练习：npm run lesson -- verify ${lesson.number}`) : '';
    const title = lessonTitle(lesson, language);
    console.log(`${String(lesson.number).padStart(2)}  ${title}${' '.repeat(Math.max(1, 40 - displayWidth(title)))} ${String(lesson.minutes).padStart(3)} ${say('min', '分钟')}  lessons/${lessonFileIn(lesson.file, language)}${exercise}`);
  }
}

/** Columns a terminal gives the text: a Chinese character (or full-width punctuation) takes two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const character of text) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(character) ? 2 : 1;
  return width;
}

async function serveLesson(lesson: Lesson & { server: NonNullable<Lesson['server']> }, argv: Omit<LessonServerOptions, 'maxHeld' | 'historyLimit'> & { minutes: number; maxHeld?: number; history?: number }): Promise<void> {
  const running = await startLessonServer(lesson, { ...argv, historyLimit: argv.history }).catch((error: Error) => {
    console.error(say(`Could not start the lesson's server: ${error.message}`, `无法启动课程服务器：${error.message}`));
    process.exit(1);
  });
  const { shell, roomDir, equivalentCommand, pageNote } = running;
  const besideTheChat = `${shell.url}/?lesson=${lesson.number}${language === 'en' ? '' : `&lang=${language}`}`;
  console.log(say(`\nServing lesson ${lesson.number} on ${shell.url}${argv.exercise ? ', with your copy of the exercise' : ''}`, `\n第 ${lesson.number} 课的服务器运行在 ${shell.url}${argv.exercise ? '，使用你的练习文件' : ''}`));
  console.log(say(`  as: ${equivalentCommand}`, `  相当于：${equivalentCommand}`));
  console.log(say(`  its room: ${roomDir}/, ${argv.keep ? 'kept from last time' : 'empty at the start (--keep keeps it next time)'}`, `  聊天室：${roomDir}/，${argv.keep ? '沿用上次的内容' : '开始时为空（下次加 --keep 可保留）'}`));
  console.log(say(`  its page: ${pageNote}`, `  页面：${pageNote}`));
  console.log(say(`  the lesson beside the chat: ${besideTheChat}`, `  在聊天旁阅读本课：${besideTheChat}`));
  console.log(say(`It stops by itself after ${argv.minutes} min. Ctrl-C stops it now.`, `它会在 ${argv.minutes} 分钟后自动停止。按 Ctrl-C 立即停止。`));
  const stop = async () => {
    await shell.close();
    process.exit(0);
  };
  const deadline = setTimeout(() => {
    console.log(say(`\n${argv.minutes} minutes are up: stopping the lesson server.`, `\n${argv.minutes} 分钟到了：停止课程服务器。`));
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
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) throw new Error(say(`--${flag} must be a number >= ${min}, got ${String(value)}`, `--${flag} 必须是 >= ${min} 的数字，收到的是 ${String(value)}`));
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
  if (!lesson) return usageError(say(`There is no lesson ${number}. Lessons: ${loadLessons().map((each) => each.number).join(', ')}.`, `没有第 ${number} 课。现有：${loadLessons().map((each) => each.number).join('、')}。`));
  return lesson;
}

function languageOrExit(flag: string | undefined): Language {
  try {
    return chooseLanguage(flag);
  } catch (error) {
    return usageError((error as Error).message);
  }
}

function usageError(message: string): never {
  console.error(message);
  console.error(say('Run npm run lesson -- --help to see the commands.', '运行 npm run lesson -- --help 查看所有命令。'));
  process.exit(USAGE_ERROR_EXIT);
}
