// Checks lesson 1's exercise: a command-line chat client written with fetch.
//
// The student's runChatClient() runs, in a process of its own
// (run-chat-client.ts), against a real server on a free port,
// whose room is kept in a temporary folder. It must print the history, then
// each message posted while it runs, once, in order. Then the server restarts
// on the same port, as a deploy would: it stops (its held requests are
// answered), nothing listens for a moment, a stand-in answers 503 for a
// moment, and the server comes back with the same conversation. The client
// must wait between tries, keep its cursor, and print what is posted after
// the restart, once.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startShell, type RunningShell } from '../../shell/shell.ts';
import { PROJECT_ROOT } from '../catalog.ts';
import { say } from '../language.ts';
import { becomesTrue, post } from './http-client.ts';
import type { CheckOutcome } from './outcome.ts';
import type { ClientReport } from './run-chat-client.ts';

const STRATEGY = 'long-poll';
/** The client's process must print the history within this: it starts Node and loads the file first. */
const START_LIMIT_MS = 10_000;
/** A message posted must be printed within this (a long poll: at once; a short poll: one interval). */
const PRINT_LIMIT_MS = 3000;
/** During the restart, nothing listens for this long (fetch throws)... */
const REFUSED_MS = 500;
/** ...then a stand-in answers every request with 503 for this long. */
const STAND_IN_MS = 1500;
/** Requests the stand-in may see: a client that asks again at once makes hundreds. */
const MAX_TRIES_WHILE_DOWN = 8;
/** Once the server is back, what is posted must be printed within this (the client may be in its longest wait). */
const RESUME_LIMIT_MS = 10_000;
/** After the abort, the client's promise must settle within this. */
const STOP_LIMIT_MS = 2000;
/** Binding the old port again can meet a socket still closing: tries, and the wait between them. */
const REBIND_TRIES = 20;
const REBIND_WAIT_MS = 50;

const HISTORY = [{ author: 'ann', text: 'is anyone here?' }];
const BEFORE_RESTART = [{ author: 'bob', text: 'I am' }, { author: 'ann', text: "good, let's talk" }];
const AFTER_RESTART = [{ author: 'bob', text: 'the server blinked' }, { author: 'ann', text: 'and nothing was lost' }];

/**
 * The checks, in the order they are reported, in the runner's language. A
 * function, not a constant: the language is chosen after this module loads.
 */
function checks() {
  return {
    printsInOrder: say('prints the history, then each new message, as "author: text", once and in order', '先打印历史，再打印每条新消息，格式为 "author: text"，每条恰好一次、按顺序'),
    keepsRunning: say('keeps asking until its signal is aborted', '一直请求，直到它的 signal 被中止'),
    waitsBetweenTries: say(
      `waits between tries while the server is down (at most ${MAX_TRIES_WHILE_DOWN} requests in ${STAND_IN_MS / 1000} s of 503 answers)`,
      `服务器停机期间，两次尝试之间会等待（在全部回答 503 的 ${STAND_IN_MS / 1000} 秒内最多 ${MAX_TRIES_WHILE_DOWN} 个请求）`,
    ),
    keepsItsCursor: say('asks again with its cursor after an error, so nothing is printed twice', '出错后带着游标再次请求，所以没有消息被打印两次'),
    resumesAfterRestart: say('prints what is posted after the restart, once and in order', '打印重启后发送的消息，恰好一次、按顺序'),
    stopsWhenAborted: say('stops when its signal is aborted', '它的 signal 被中止时停止运行'),
  };
}

/** The student's client, running in its own process: what it printed, and whether runChatClient has settled. */
interface ClientRun {
  process: ChildProcess;
  printed: string[];
  settled: boolean;
  error?: string;
  done: Promise<void>;
}

export async function checkChatClient(module: Record<string, unknown>, file: string): Promise<{ outcomes: CheckOutcome[]; notes: string[] }> {
  if (typeof module.runChatClient !== 'function') {
    const hint = say('keep `export async function runChatClient({ serverUrl, print, signal })`', '保留 `export async function runChatClient({ serverUrl, print, signal })`');
    return { outcomes: [{ check: say('the file exports runChatClient', '文件导出了 runChatClient'), passed: false, hint }], notes: [] };
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'pollbench-lesson-1-'));
  let shell: RunningShell | undefined = await startShell({ port: 0, dataDir, defaultStrategy: STRATEGY, staticMounts: [] });
  const port = shell.port;
  let run: ClientRun | undefined;
  try {
    for (const draft of HISTORY) await post(shell.url, STRATEGY, draft.author, draft.text);
    run = startClient(file, shell.url);
    const printed = run.printed;
    await printedWithin(run, lines(HISTORY), START_LIMIT_MS);
    let lastId = '';
    for (const draft of BEFORE_RESTART) lastId = (await post(shell.url, STRATEGY, draft.author, draft.text)).body.id;
    await printedWithin(run, lines(HISTORY, BEFORE_RESTART), PRINT_LIMIT_MS);
    const outcomes = [printsInOrder(printed, lines(HISTORY, BEFORE_RESTART)), keepsRunning(run)];
    if (run.settled) {
      return { outcomes: [...outcomes, ...notReached(say('not checked: the client had already stopped before the server restarted (see above)', '未检查：服务器重启之前，客户端就已经停止了（见上文）'))], notes: [] };
    }

    await shell.close();
    shell = undefined;
    await sleep(REFUSED_MS);
    const standIn = await listenAgain(() => startStandIn(port));
    await sleep(STAND_IN_MS);
    standIn.server.closeAllConnections();
    await new Promise((resolve) => standIn.server.close(resolve));
    shell = await listenAgain(() => startShell({ port, dataDir, defaultStrategy: STRATEGY, staticMounts: [] }));
    for (const draft of AFTER_RESTART) await post(shell.url, STRATEGY, draft.author, draft.text);
    const everything = lines(HISTORY, BEFORE_RESTART, AFTER_RESTART);
    await printedWithin(run, everything, RESUME_LIMIT_MS);
    if (run.settled) {
      const hint =
        run.error === undefined
          ? say('runChatClient returned while the server was away.', '服务器停机期间，runChatClient 返回了。')
          : say(`runChatClient threw ${run.error} while the server was away.`, `服务器停机期间，runChatClient 抛出了 ${run.error}。`);
      const fix = say('Catch what fetch throws, wait, and ask again (TODO 2).', '捕获 fetch 抛出的错误，等待一会儿，再次请求（TODO 2）。');
      return { outcomes: [...outcomes, ...notReached(`${hint}\n${fix}`)], notes: [] };
    }

    outcomes.push(waitsBetweenTries(standIn.sinces), keepsItsCursor(standIn.sinces, lastId, printed, everything), resumesAfterRestart(printed, everything));
    if (run.process.connected) run.process.send('abort');
    outcomes.push(await stopsWhenAborted(run));
    return { outcomes, notes: [whileDown(standIn.sinces)] };
  } finally {
    run?.process.kill('SIGKILL');
    await shell?.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function printsInOrder(printed: string[], expected: string[]): CheckOutcome {
  const check = checks().printsInOrder;
  if (sameLines(chatLines(printed, expected), expected)) return { check, passed: true };
  const fix = say(
    'Keep asking (TODO 1) with ?since=<the cursor of the last answer>, and print each message with formatLine().',
    '持续请求（TODO 1），带上 ?since=<上一个回答中的游标>，并用 formatLine() 打印每条消息。',
  );
  return { check, passed: false, hint: `${shownLines(printed, expected)}\n${fix}` };
}

function keepsRunning(run: ClientRun): CheckOutcome {
  const check = checks().keepsRunning;
  if (!run.settled) return { check, passed: true };
  const why =
    run.error === undefined
      ? say('runChatClient returned before it was stopped.', '还没有被停止，runChatClient 就返回了。')
      : say(`runChatClient threw ${run.error} before it was stopped.`, `还没有被停止，runChatClient 就抛出了 ${run.error}。`);
  const fix = say(
    'Loop while (!signal.aborted), and catch what fetch throws instead of letting it end the client (TODO 2).',
    '用 while (!signal.aborted) 循环，并捕获 fetch 抛出的错误，不要让它结束客户端（TODO 2）。',
  );
  return { check, passed: false, hint: `${why}\n${fix}` };
}

/** The restart's checks, when the client stopped before they could be made: each fails with `hint`. */
function notReached(hint: string): CheckOutcome[] {
  const { waitsBetweenTries, keepsItsCursor, resumesAfterRestart, stopsWhenAborted } = checks();
  return [waitsBetweenTries, keepsItsCursor, resumesAfterRestart, stopsWhenAborted].map((check) => ({ check, passed: false, hint }));
}

function waitsBetweenTries(sinces: (string | null)[]): CheckOutcome {
  const check = checks().waitsBetweenTries;
  if (sinces.length <= MAX_TRIES_WHILE_DOWN) return { check, passed: true };
  return {
    check,
    passed: false,
    hint: say(
      `it asked ${sinces.length} times in ${STAND_IN_MS / 1000} s while the server answered 503.\n` +
        'After a failure, wait before asking again (await sleep(ms) from node:timers/promises), twice as long after each failure in a row, up to a few seconds.',
      `服务器回答 503 的 ${STAND_IN_MS / 1000} 秒内，它请求了 ${sinces.length} 次。\n` +
        '失败之后，先等待再重新请求（用 node:timers/promises 的 await sleep(ms)），连续失败时每次等待翻倍（退避），最多几秒。',
    ),
  };
}

function keepsItsCursor(sinces: (string | null)[], lastId: string, printed: string[], expected: string[]): CheckOutcome {
  const check = checks().keepsItsCursor;
  const wrong = sinces.filter((since) => since !== lastId);
  const repeated = expected.filter((line) => chatLines(printed, expected).filter((seen) => seen === line).length > 1);
  if (wrong.length === 0 && repeated.length === 0) return { check, passed: true };
  const wrongSinces = wrong.map((since) => since ?? say('(none)', '（无）')).join(', ');
  const repeatedLines = repeated.map((line) => JSON.stringify(line)).join(', ');
  const asked = wrong.length > 0 ? say(`while the server was down it asked with ?since=${wrongSinces}; its cursor was ${lastId}.\n`, `服务器停机期间，它用 ?since=${wrongSinces} 请求；而它的游标是 ${lastId}。\n`) : '';
  const twice = repeated.length > 0 ? say(`printed more than once: ${repeatedLines}.\n`, `打印了不止一次：${repeatedLines}。\n`) : '';
  const fix = say('Keep the cursor in a variable outside the loop, and change it only when an answer brings a new one.', '把游标放在循环外的变量里，只在回答带来新游标时才修改它。');
  return { check, passed: false, hint: `${asked}${twice}${fix}` };
}

function resumesAfterRestart(printed: string[], expected: string[]): CheckOutcome {
  const check = checks().resumesAfterRestart;
  if (sameLines(chatLines(printed, expected), expected)) return { check, passed: true };
  const fix = expected.every((line) => printed.includes(line))
    ? say('Every message arrived, but not once each and in order: see the cursor check above.', '每条消息都到了，但不是恰好一次、按顺序：见上面关于游标的检查。')
    : say(
        `The server was back for ${RESUME_LIMIT_MS / 1000} s. When fetch throws or the status is 500 or more, wait (at most a few seconds) and ask again: do not give up.`,
        `服务器已经恢复了 ${RESUME_LIMIT_MS / 1000} 秒。fetch 抛出错误或状态码不小于 500 时，等待（最多几秒）后再次请求：不要放弃。`,
      );
  return { check, passed: false, hint: `${shownLines(printed, expected)}\n${fix}` };
}

async function stopsWhenAborted(run: ClientRun): Promise<CheckOutcome> {
  const check = checks().stopsWhenAborted;
  await Promise.race([run.done, sleep(STOP_LIMIT_MS)]);
  if (run.settled) return { check, passed: true };
  const hint = say(
    `still running ${STOP_LIMIT_MS} ms after the abort.\nPass { signal } to fetch (and to your sleep), and end the loop when signal.aborted is true.`,
    `中止 ${STOP_LIMIT_MS} ms 之后仍在运行。\n把 { signal } 传给 fetch（以及你的 sleep），并在 signal.aborted 为 true 时结束循环。`,
  );
  return { check, passed: false, hint };
}

/** What the client did while the server was away: the figure lesson 1 asks students to predict. */
function whileDown(sinces: (string | null)[]): string {
  const away = (REFUSED_MS + STAND_IN_MS) / 1000;
  const cursors = [...new Set(sinces.map((since) => since ?? say('(none)', '（无）')))].join(', ');
  const asked =
    sinces.length === 0
      ? say('asked the stand-in not once', '一次也没有请求替身服务器')
      : say(`asked the stand-in ${sinces.length} time${sinces.length === 1 ? '' : 's'}, with ?since=${cursors}`, `向替身服务器请求了 ${sinces.length} 次，用的是 ?since=${cursors}`);
  return say(
    `The server was away ${away} s: ${REFUSED_MS} ms with nothing listening, then ${STAND_IN_MS} ms of 503 answers.\nYour client ${asked}. Does that match the waits you chose?`,
    `服务器离开了 ${away} 秒：先是 ${REFUSED_MS} ms 无人监听，然后 ${STAND_IN_MS} ms 都回答 503。\n你的客户端${asked}。这和你选择的等待时间相符吗？`,
  );
}

/** A server on `port` that answers every request 503, as a server does while it restarts; it notes each request's ?since=. */
async function startStandIn(port: number): Promise<{ server: Server; sinces: (string | null)[] }> {
  const sinces: (string | null)[] = [];
  const server = createServer((request, response) => {
    sinces.push(new URL(request.url ?? '/', 'http://stand-in').searchParams.get('since'));
    response.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '1' });
    response.end(JSON.stringify({ error: 'the server is restarting' }));
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return { server, sinces };
}

/** Start something on the port the server had: a socket still closing can hold it for a moment. */
async function listenAgain<T>(start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt === REBIND_TRIES) throw error;
      await sleep(REBIND_WAIT_MS);
    }
  }
}

/** Run the student's runChatClient in a process of its own, printing into a list. */
function startClient(file: string, serverUrl: string): ClientRun {
  const child = spawn(process.execPath, ['--import', 'tsx', 'lessons/verify/run-chat-client.ts', file, serverUrl], { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-1000)));
  const run: ClientRun = { process: child, printed: [], settled: false, done: Promise.resolve() };
  run.done = new Promise<void>((resolve) => {
    child.on('message', (report: ClientReport) => {
      if ('line' in report) run.printed.push(report.line);
      if ('done' in report) {
        run.settled = true;
        run.error = report.error;
        resolve();
      }
    });
    child.once('exit', (code) => {
      if (!run.settled) {
        run.settled = true;
        run.error = say(`its process exited (code ${code}) ${stderr.trim()}`, `它的进程退出了（退出码 ${code}）${stderr.trim()}`);
      }
      resolve();
    });
  });
  return run;
}

/** Wait until the client has printed every expected line, or has stopped, or `limitMs` has passed. */
async function printedWithin(run: ClientRun, expected: string[], limitMs: number): Promise<void> {
  await becomesTrue(async () => run.settled || expected.every((line) => run.printed.includes(line)), limitMs);
}

function lines(...groups: { author: string; text: string }[][]): string[] {
  return groups.flat().map(({ author, text }) => `${author}: ${text}`);
}

/** The printed lines that are chat messages of this check; a status line of the student's own ("reconnecting...") is allowed. */
function chatLines(printed: string[], expected: string[]): string[] {
  return printed.filter((line) => expected.includes(line));
}

function sameLines(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((line, index) => line === b[index]);
}

function shownLines(printed: string[], expected: string[]): string {
  const wanted = expected.map((line) => JSON.stringify(line)).join(', ');
  const got = printed.length === 0 ? say('nothing', '无') : printed.map((line) => JSON.stringify(line)).join(', ');
  return say(`expected ${wanted}\nprinted  ${got}`, `应打印：${wanted}\n实际打印：${got}`);
}
