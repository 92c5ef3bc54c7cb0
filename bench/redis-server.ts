// A private redis-server for one scale-out point: Debian's `redis-server` on
// a free loopback port, persistence off, in a temporary folder, stopped with
// the point. A fresh one per point, as each point gets fresh workbench
// servers, so no point inherits another's stream or memory; and nothing
// touches a Redis the machine may already run.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

/** How long a starting redis-server has to say it is ready. */
const START_LIMIT_MS = 10_000;
/** redis-server exits at once on SIGTERM with persistence off; past this it is killed. */
const EXIT_LIMIT_MS = 5_000;
const READY_LINE = /Ready to accept connections/;

/** Servers still running: killed if the bench itself exits early, so none is left behind. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface RedisServer {
  /** redis://127.0.0.1:<port>, without a stream. */
  url: string;
  /** The redis-server process (taskset execs it, so it is our child), for its CPU and memory in /proc. */
  pid: number;
  /** Its version line, e.g. "Redis server v=7.0.15 ...", recorded beside the figures. */
  version: string;
  stop(): Promise<void>;
}

/** Debian's redis-server's version line, or null when it is not installed (`apt-get install -y redis-server`). */
export function redisServerVersion(): string | null {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : null;
}

/** Start redis-server on a free loopback port, on `cpus` (a taskset list) if given. */
export async function startRedisServer(cpus: string | null): Promise<RedisServer> {
  const version = redisServerVersion();
  if (version === null) throw new Error('redis-server not installed (apt-get install -y redis-server)');
  const dir = await mkdtemp(join(tmpdir(), 'pollbench-bench-redis-'));
  const port = await freePort();
  const redisCommand = ['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  const [command, ...args] = cpus === null ? redisCommand : ['taskset', '-c', cpus, ...redisCommand];
  let child: ChildProcess;
  try {
    child = await launchRedisServer(command, args);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid!,
    version,
    async stop() {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Run `command args` (redis-server, maybe behind taskset) and resolve once it
 * says it is ready; a process that fails to get there is killed and the error thrown.
 */
export async function launchRedisServer(command: string, args: string[]): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  try {
    await readyOrExited(child);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return child;
}

function readyOrExited(child: ChildProcess): Promise<void> {
  let output = '';
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within ${START_LIMIT_MS} ms:\n${output}`)), START_LIMIT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (READY_LINE.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not run redis-server: ${error.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with code ${code} before it was ready:\n${output}`));
    });
  });
}

/** SIGTERM: with persistence off, redis-server exits at once without writing anything. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), EXIT_LIMIT_MS);
  await exited;
  clearTimeout(killer);
}
