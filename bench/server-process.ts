// A fresh server in its own process, started the way a user starts it
// (`node --import tsx shell/cli.ts` for the workbench, or the plain
// reference's script), pinned to its own core when it can be. The bench
// talks to it only over HTTP and watches it only through /proc.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** A server prints this line once it listens ("serving the chat on", or the reference's "listening on"); the URL follows it. */
const LISTENING_LINE = /(?:serving the chat|listening) on (http:\/\/\S+)/;
const STARTUP_LIMIT_MS = 20_000;
/** After SIGTERM the server answers held requests and exits; past this we stop waiting and kill it. */
const EXIT_LIMIT_MS = 5_000;

/** Servers still running: killed if the bench itself exits early (Ctrl-C, a crash), so none is left behind. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface ServerProcess {
  url: string;
  port: number;
  /** The node process that holds the port: `taskset` and `node --import tsx` both exec, so it is our child. */
  pid: number;
  startupMs: number;
  /** Why the server ended on its own (with the end of its error output), or undefined while it runs. */
  unexpectedExit(): string | undefined;
  stop(): Promise<void>;
}

/** Whether `taskset` exists here, so server and load can be kept on separate cores. */
export function tasksetAvailable(): boolean {
  return spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Start `shell/cli.ts --port 0` with `serverArguments`, on `cpus` (a taskset
 * list such as "0") if given, with a data folder of its own. `nodeArguments`
 * go to node itself (e.g. --cpu-prof to profile the server under load).
 */
export async function startWorkbenchServer(serverArguments: string[], cpus: string | null, nodeArguments: string[] = []): Promise<ServerProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pollbench-bench-'));
  const server = await startServerProcess('shell/cli.ts', ['--port', '0', '--data-dir', dataDir, ...serverArguments], cpus, nodeArguments).catch(async (error: Error) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  return {
    ...server,
    async stop() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Start `script` (a path from the project root, run with `node --import tsx`)
 * with `scriptArguments`, which must make it listen on a free port and print its URL.
 */
export async function startServerProcess(script: string, scriptArguments: string[], cpus: string | null, nodeArguments: string[] = []): Promise<ServerProcess> {
  const nodeCommand = [process.execPath, ...nodeArguments, '--import', 'tsx', script, ...scriptArguments];
  const [command, ...args] = cpus === null ? nodeCommand : ['taskset', '-c', cpus, ...nodeCommand];
  const startedAt = performance.now();
  const child = spawn(command, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stopping = false;
  let exitedWith: string | undefined;
  child.once('exit', (code, signal) => {
    running.delete(child);
    if (!stopping) exitedWith = `the server exited on its own (code ${code}, signal ${signal}): ${stderr.trim().slice(-500)}`;
  });

  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const giveUp = setTimeout(() => fail(`no "serving the chat on" line within ${STARTUP_LIMIT_MS} ms`), STARTUP_LIMIT_MS);
    function fail(why: string) {
      clearTimeout(giveUp);
      child.kill('SIGKILL');
      reject(new Error(`the server did not start: ${why}\n${stderr}`));
    }
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = LISTENING_LINE.exec(stdout);
      if (match) {
        clearTimeout(giveUp);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => fail(`it exited with code ${code}`));
  });
  const startupMs = performance.now() - startedAt;

  return {
    url,
    port: Number(new URL(url).port),
    pid: child.pid!,
    startupMs,
    unexpectedExit: () => exitedWith,
    async stop() {
      stopping = true;
      await stopChild(child);
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), EXIT_LIMIT_MS);
  await exited;
  clearTimeout(killer);
}
