// A private redis-server for one test file: its own process, a free loopback
// port and a temporary folder, so tests can kill it and start it again on
// the same port (an outage), and nothing touches a Redis the machine runs.

import { spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../bench/free-port.ts';
import { launchRedisServer } from '../../bench/redis-server.ts';

/** Whether Debian's redis-server is installed (`apt-get install -y redis-server`). */
export const redisServerInstalled = spawnSync('redis-server', ['--version']).status === 0;

/**
 * Redis suites run when redis-server is installed, and always under CI, where a
 * missing Redis must fail the run rather than skip it quietly.
 */
export const skipRedisSuites = !redisServerInstalled && !process.env.CI;
if (skipRedisSuites) {
  console.warn('Skipping the Redis (scale-out) tests: redis-server is not installed. Install it with: apt-get install -y redis-server');
}

export interface PrivateRedis {
  port: number;
  /** redis://127.0.0.1:<port>; add ?stream=... to give each test a room of its own. */
  url: string;
  /** The URL of a fresh room (a stream nobody used yet) on this Redis. */
  roomUrl(name: string): string;
  /** SIGKILL the server, as a crash would. */
  kill(): Promise<void>;
  /** Start it again (killing it first if it runs), same port, same folder (and so the same data when durable). */
  restart(): Promise<void>;
  /** Stop it and remove its folder. */
  stop(): Promise<void>;
}

export interface PrivateRedisOptions {
  /**
   * Write every acknowledged command to an append-only file before answering,
   * so what Redis acknowledged survives a kill and a restart. Off by default:
   * most tests need no disk and should not pay for it.
   */
  durable?: boolean;
}

export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'pollbench-redis-'));
  const port = await freePort();
  const persistence = options.durable ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--dir', dir];
  let server = await launchRedisServer('redis-server', args);
  let rooms = 0;
  const url = `redis://127.0.0.1:${port}`;

  return {
    port,
    url,
    roomUrl: (name) => `${url}?stream=${encodeURIComponent(`test:${name}:${(rooms += 1)}`)}`,
    async kill() {
      await killProcess(server);
    },
    async restart() {
      await killProcess(server); // a no-op after kill(); otherwise the old one would hold the port
      server = await launchRedisServer('redis-server', args);
    },
    async stop() {
      await killProcess(server);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function killProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}
