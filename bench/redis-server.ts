// A private redis-server for one scale-out point: Debian's `redis-server` on
// a free loopback port, persistence off, in a temporary folder, stopped with
// the point. A fresh one per point, as each point gets fresh workbench
// servers, so no point inherits another's stream or memory; and nothing
// touches a Redis the machine may already run.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  try {
    await readyOrExited(child);
  } catch (error) {
    await stopChild(child);
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

/** A port nobody listens on right now; redis-server takes it a moment later. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}
