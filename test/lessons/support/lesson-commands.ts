// Runs a lesson's shell blocks the way a student would, against a real server.
//
// How a lesson's commands are made to run unattended, in four rules:
//   1. A `sh server` block (npm start ..., npm run lesson -- N) is started as
//      written plus `--port 0 --data-dir <a temporary folder>` (npm run lesson
//      keeps its room in lesson-N/ inside it, as it does in data/); the server
//      prints the URL it listens on, and the block's process group is stopped
//      (SIGINT) when the next such block starts or the lesson ends.
//   1b. A `sh server` block that names its own port (`--port 3001`) is one of
//      several processes a lesson runs side by side (a Redis and two servers):
//      it keeps running beside the others until the lesson ends. It gets a
//      free port in place of the one written, and from then on that port, in
//      `localhost:3001` or `127.0.0.1:3001` (so also `redis://127.0.0.1:6390`),
//      means the free one in every later block, server blocks included. It is
//      ready once its port accepts connections. Nothing is appended to it.
//      Its `localhost:3000` is the rule-1 server's, so `npm run proxy --
//      --port 3080 --target http://localhost:3000` proxies the lesson's
//      server. A later block naming the same port is the same process started
//      again with other flags: the running one is stopped first (the
//      student's Ctrl-C).
//   2. In every other block, `localhost:3000` becomes the rule-1 server's
//      address and `data/` becomes the lesson's temporary folder, so
//      `cat data/lesson-3/data.txt` reads the file lesson 3's server writes.
//   3. Long commands are shortened: `npm run bench` gets a handful of clients,
//      one-second phases and a temporary --out folder (the committed results
//      stay untouched); `npm run lesson -- verify N` checks the reference
//      solution (the starting copy fails on purpose: verify.test.ts checks that).
// Each block runs in bash with `set -e -o pipefail`, bounded in time; when a
// command fails, bash prints it (an ERR trap), so a failure names the command.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { PROJECT_ROOT } from '../../../lessons/catalog.ts';
import type { ShellBlock } from '../../../lessons/markdown-blocks.ts';
import { freePort } from '../../../bench/free-port.ts';
import { findNginx } from '../../../proxy/find-nginx.ts';

/** The longest a server may take to print its address. */
const SERVER_START_LIMIT_MS = 30_000;
/** The longest one block may run (a bench block gets longer). */
const BLOCK_LIMIT_MS = 60_000;
const BENCH_BLOCK_LIMIT_MS = 180_000;
const STOP_GRACE_MS = 5_000;
/** What a failure report keeps of a command's output. */
const OUTPUT_TAIL_CHARS = 1500;
/** How often a rule-1b block's port is tried while it starts. */
const PORT_PROBE_EVERY_MS = 100;
/**
 * Programs a lesson may run that neither Node nor the project brings. A lesson
 * that uses one that is missing is skipped with the reason, except under CI
 * (which installs them, see .ci/run), where it fails.
 */
const EXTERNAL_PROGRAMS = ['redis-server', 'redis-cli'];
/** `npm run proxy` runs Debian's nginx, found where proxy/find-nginx.ts looks for it. */
const RUNS_NGINX = /(^|[\s;&|(])npm run proxy\b/;

export interface BlockRun {
  exitCode: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** The command bash reported as failing, if any. */
  failedCommand?: string;
}

export interface LessonServerProcess {
  port: number;
  command: string;
  stop(): Promise<void>;
}

/** Written port -> the free port that stands for it (rule 1b), filled in as the lesson's server blocks start. */
export type PortMap = Map<number, number>;

/** The port a server block names itself (`--port 3001`), if any; `--port 0` names none. */
export function namedPort(block: ShellBlock): number | undefined {
  const port = /(?:^|\s)--port[=\s]+(\d+)\b/.exec(block.code)?.[1];
  return port === undefined || Number(port) === 0 ? undefined : Number(port);
}

/** Start a `sh server` block: rule 1b if it names its port (recorded in `ports`), rule 1 otherwise. */
export async function startServerBlock(block: ShellBlock, dataDir: string, ports: PortMap = new Map(), server?: LessonServerProcess): Promise<LessonServerProcess> {
  const written = namedPort(block);
  if (written === undefined) return startOnAnyPort(block, dataDir, ports);
  const port = await freePort();
  ports.set(written, port);
  const command = rewriteForTest(block.code.trim(), server, dataDir, ports).replace(/(^|\s)--port([=\s]+)\d+\b/, `$1--port$2${port}`);
  const child = spawnGroup(`exec ${command}`);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + SERVER_START_LIMIT_MS;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`"${command}" exited with code ${child.exitCode} before it served anything:\n${tail(output)}`);
    }
    if (Date.now() > deadline) {
      await stopGroup(child);
      throw new Error(`"${command}" did not accept connections on port ${port} within ${SERVER_START_LIMIT_MS} ms:\n${tail(output)}`);
    }
    await sleep(PORT_PROBE_EVERY_MS);
  }
  return { port, command, stop: () => stopGroup(child) };
}

/** The programs of EXTERNAL_PROGRAMS that the lesson's blocks run and this machine lacks. */
export function missingPrograms(blocks: ShellBlock[]): string[] {
  const used = EXTERNAL_PROGRAMS.filter((program) => blocks.some((block) => block.kind !== 'by-hand' && new RegExp(`(^|[\\s;&|(])${program}\\b`).test(block.code)));
  const missing = used.filter((program) => spawnSync(program, ['--version']).status !== 0);
  const usesNginx = blocks.some((block) => block.kind !== 'by-hand' && RUNS_NGINX.test(block.code));
  return usesNginx && findNginx() === null ? [...missing, 'nginx'] : missing;
}

async function startOnAnyPort(block: ShellBlock, dataDir: string, ports: PortMap): Promise<LessonServerProcess> {
  const command = rewriteForTest(block.code.trim(), undefined, dataDir, ports);
  const separator = command.includes(' -- ') ? '' : ' --';
  const child = spawnGroup(`exec ${command}${separator} --port 0 --data-dir ${dataDir}`);
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const giveUp = setTimeout(() => reject(new Error(`"${command}" did not print its address within ${SERVER_START_LIMIT_MS} ms:\n${tail(output)}`)), SERVER_START_LIMIT_MS);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = / on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (listening) {
        clearTimeout(giveUp);
        resolve(Number(listening[1]));
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(giveUp);
      reject(new Error(`"${command}" exited with code ${code} before it served anything:\n${tail(output)}`));
    });
  });
  return { port, command, stop: () => stopGroup(child) };
}

/** Run one block with the rewrites above; never rejects, reports what happened. */
export async function runBlock(block: ShellBlock, server: LessonServerProcess | undefined, dataDir: string, ports: PortMap = new Map()): Promise<BlockRun> {
  const code = rewriteForTest(block.code, server, dataDir, ports);
  const benchDir = `${dataDir}/bench`;
  await mkdir(benchDir, { recursive: true });
  const script = ['set -e -o pipefail', `trap 'echo "doc-test: this command failed: $BASH_COMMAND" >&2' ERR`, code].join('\n');
  const child = spawnGroup(script);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const limitMs = /npm run bench/.test(code) ? BENCH_BLOCK_LIMIT_MS : BLOCK_LIMIT_MS;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void stopGroup(child);
  }, limitMs);
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  clearTimeout(timer);
  signalGroup(child.pid!, 'SIGKILL'); // background jobs a block left behind
  const failedCommand = /doc-test: this command failed: (.*)/.exec(stderr)?.[1];
  return { exitCode, timedOut, stdout, stderr, failedCommand };
}

/** Rules 1b (ports), 2 and 3 of the header. Throws if the block needs a server and none was started before it. */
export function rewriteForTest(code: string, server: LessonServerProcess | undefined, dataDir: string, ports: ReadonlyMap<number, number> = new Map()): string {
  let rewritten = code.replace(/(localhost|127\.0\.0\.1):(\d+)\b/g, (address, _host: string, port: string) => {
    const free = ports.get(Number(port));
    return free === undefined ? address : `127.0.0.1:${free}`;
  });
  if (/(localhost|127\.0\.0\.1):3000\b/.test(rewritten) && !server) {
    throw new Error('this block talks to localhost:3000, but no `sh server` block comes before it in the lesson');
  }
  rewritten = rewritten.replace(/(localhost|127\.0\.0\.1):3000\b/g, `127.0.0.1:${server?.port ?? 3000}`);
  rewritten = rewritten.replace(/(^|[\s"'(])data\//g, `$1${dataDir}/`);
  return rewritten
    .split('\n')
    .map((line) => {
      if (/^\s*npm run bench\b/.test(line)) {
        const kept = line.replace(/\s--(clients|duration|out)(=|\s+)\S+/g, '');
        return `${kept}${kept.includes(' -- ') ? '' : ' --'} --clients 3 --duration 1 --out ${dataDir}/bench`;
      }
      if (/^\s*npm run lesson -- verify \d+\s*$/.test(line)) return `${line.trimEnd()} --solution`;
      return line;
    })
    .join('\n');
}

export function describeFailure(file: string, block: ShellBlock, run: BlockRun, server: LessonServerProcess | undefined): string {
  const what = run.timedOut ? 'did not finish in time' : `exited with code ${run.exitCode}`;
  return [
    `lessons/${file}, block at line ${block.line} ${what}${server ? ` (server: ${server.command})` : ''}`,
    `  failed command: ${run.failedCommand ?? '(see the output)'}`,
    `  stderr: ${tail(run.stderr).replaceAll('\n', '\n          ')}`,
    `  stdout: ${tail(run.stdout).replaceAll('\n', '\n          ')}`,
  ].join('\n');
}

/** bash in its own process group, in the project folder, so the whole group can be stopped. */
function spawnGroup(script: string): ChildProcess {
  return spawn('bash', ['-c', script], { cwd: PROJECT_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
}

/** SIGINT to the group (servers answer held requests and exit), then SIGKILL if it lingers. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(child.pid, 'SIGINT');
  const lingering = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(lingering);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone: nothing left to stop.
  }
}

/** Whether something listens on the loopback port. */
async function accepts(port: number): Promise<boolean> {
  const socket = connect(port, '127.0.0.1');
  try {
    await once(socket, 'connect');
    return true;
  } catch {
    return false;
  } finally {
    socket.destroy();
  }
}

function tail(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > OUTPUT_TAIL_CHARS ? `...${trimmed.slice(-OUTPUT_TAIL_CHARS)}` : trimmed || '(nothing)';
}
