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

/** The checks, in the order they are reported. */
const CHECKS = {
  printsInOrder: 'prints the history, then each new message, as "author: text", once and in order',
  keepsRunning: 'keeps asking until its signal is aborted',
  waitsBetweenTries: `waits between tries while the server is down (at most ${MAX_TRIES_WHILE_DOWN} requests in ${STAND_IN_MS / 1000} s of 503 answers)`,
  keepsItsCursor: 'asks again with its cursor after an error, so nothing is printed twice',
  resumesAfterRestart: 'prints what is posted after the restart, once and in order',
  stopsWhenAborted: 'stops when its signal is aborted',
};

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
    return { outcomes: [{ check: 'the file exports runChatClient', passed: false, hint: 'keep `export async function runChatClient({ serverUrl, print, signal })`' }], notes: [] };
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
    if (run.settled) return { outcomes: [...outcomes, ...notReached('not checked: the client had already stopped before the server restarted (see above)')], notes: [] };

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
      const how = run.error === undefined ? 'returned' : `threw ${run.error}`;
      return { outcomes: [...outcomes, ...notReached(`runChatClient ${how} while the server was away.\nCatch what fetch throws, wait, and ask again (TODO 2).`)], notes: [] };
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
  const check = CHECKS.printsInOrder;
  if (sameLines(chatLines(printed, expected), expected)) return { check, passed: true };
  return {
    check,
    passed: false,
    hint:
      `${shownLines(printed, expected)}\n` +
      'Keep asking (TODO 1) with ?since=<the cursor of the last answer>, and print each message with formatLine().',
  };
}

function keepsRunning(run: ClientRun): CheckOutcome {
  const check = CHECKS.keepsRunning;
  if (!run.settled) return { check, passed: true };
  const why = run.error === undefined ? 'runChatClient returned' : `runChatClient threw ${run.error}`;
  return { check, passed: false, hint: `${why} before it was stopped.\nLoop while (!signal.aborted), and catch what fetch throws instead of letting it end the client (TODO 2).` };
}

/** The restart's checks, when the client stopped before they could be made: each fails with `hint`. */
function notReached(hint: string): CheckOutcome[] {
  return [CHECKS.waitsBetweenTries, CHECKS.keepsItsCursor, CHECKS.resumesAfterRestart, CHECKS.stopsWhenAborted].map((check) => ({ check, passed: false, hint }));
}

function waitsBetweenTries(sinces: (string | null)[]): CheckOutcome {
  const check = CHECKS.waitsBetweenTries;
  if (sinces.length <= MAX_TRIES_WHILE_DOWN) return { check, passed: true };
  return {
    check,
    passed: false,
    hint:
      `it asked ${sinces.length} times in ${STAND_IN_MS / 1000} s while the server answered 503.\n` +
      'After a failure, wait before asking again (await sleep(ms) from node:timers/promises), twice as long after each failure in a row, up to a few seconds.',
  };
}

function keepsItsCursor(sinces: (string | null)[], lastId: string, printed: string[], expected: string[]): CheckOutcome {
  const check = CHECKS.keepsItsCursor;
  const wrong = sinces.filter((since) => since !== lastId);
  const repeated = expected.filter((line) => chatLines(printed, expected).filter((seen) => seen === line).length > 1);
  if (wrong.length === 0 && repeated.length === 0) return { check, passed: true };
  const asked = wrong.length > 0 ? `while the server was down it asked with ?since=${wrong.map((since) => since ?? '(none)').join(', ')}; its cursor was ${lastId}.\n` : '';
  const twice = repeated.length > 0 ? `printed more than once: ${repeated.map((line) => JSON.stringify(line)).join(', ')}.\n` : '';
  return { check, passed: false, hint: `${asked}${twice}Keep the cursor in a variable outside the loop, and change it only when an answer brings a new one.` };
}

function resumesAfterRestart(printed: string[], expected: string[]): CheckOutcome {
  const check = CHECKS.resumesAfterRestart;
  if (sameLines(chatLines(printed, expected), expected)) return { check, passed: true };
  const fix = expected.every((line) => printed.includes(line))
    ? 'Every message arrived, but not once each and in order: see the cursor check above.'
    : `The server was back for ${RESUME_LIMIT_MS / 1000} s. When fetch throws or the status is 500 or more, wait (at most a few seconds) and ask again: do not give up.`;
  return { check, passed: false, hint: `${shownLines(printed, expected)}\n${fix}` };
}

async function stopsWhenAborted(run: ClientRun): Promise<CheckOutcome> {
  const check = CHECKS.stopsWhenAborted;
  await Promise.race([run.done, sleep(STOP_LIMIT_MS)]);
  if (run.settled) return { check, passed: true };
  return { check, passed: false, hint: `still running ${STOP_LIMIT_MS} ms after the abort.\nPass { signal } to fetch (and to your sleep), and end the loop when signal.aborted is true.` };
}

/** What the client did while the server was away: the figure lesson 1 asks students to predict. */
function whileDown(sinces: (string | null)[]): string {
  const asked = sinces.length === 0 ? 'not once' : `${sinces.length} time${sinces.length === 1 ? '' : 's'}, with ?since=${[...new Set(sinces.map((since) => since ?? '(none)'))].join(', ')}`;
  return `The server was away ${(REFUSED_MS + STAND_IN_MS) / 1000} s: ${REFUSED_MS} ms with nothing listening, then ${STAND_IN_MS} ms of 503 answers.\nYour client asked the stand-in ${asked}. Does that match the waits you chose?`;
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
        run.error = `its process exited (code ${code}) ${stderr.trim()}`;
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
  const got = printed.length === 0 ? 'nothing' : printed.map((line) => JSON.stringify(line)).join(', ');
  return `expected ${expected.map((line) => JSON.stringify(line)).join(', ')}\nprinted  ${got}`;
}
