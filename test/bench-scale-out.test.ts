// The bench's scale-out point, run for real and briefly: long-poll with 3
// clients on two servers sharing a private redis-server, one-second phases,
// into a temporary folder. Checks that both servers carried clients, that
// nothing was lost or duplicated on the way through Redis, and that the JSON
// says how the point was served. No figure is asserted on.
//
// Needs Debian's redis-server. Without it the suite is skipped with a reason,
// except under CI (env CI set), where it runs and fails.

import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResults, PointResult } from '../bench/result-types.ts';

const CLIENTS = 3;
const SERVERS = 2;
const RUN_LIMIT_MS = 120_000;

const redisServerInstalled = spawnSync('redis-server', ['--version']).status === 0;
const skipScaleOut = !redisServerInstalled && !process.env.CI;
if (skipScaleOut) {
  console.warn('Skipping the bench scale-out test: redis-server is not installed. Install it with: apt-get install -y redis-server');
}

describe.skipIf(skipScaleOut)('npm run bench -- --servers 2: long-poll on two servers sharing Redis', () => {
  let outDir: string;
  let run: ReturnType<typeof spawnSync>;
  let results: BenchResults;
  let point: PointResult;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'pollbench-bench-scale-out-'));
    const args = ['--strategies', 'long-poll', '--clients', String(CLIENTS), '--servers', String(SERVERS), '--duration', '1', '--out', outDir, '--no-png'];
    run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/cli.ts', ...args], { encoding: 'utf8', timeout: RUN_LIMIT_MS });
    results = JSON.parse(await readFile(join(outDir, 'latest.json'), 'utf8')) as BenchResults;
    point = results.points[0];
  }, RUN_LIMIT_MS);
  afterAll(() => rm(outDir, { recursive: true, force: true }));

  it('exits 0, labels the point "long-poll ×2" and prints the caveat about cores', () => {
    expect(run.status, String(run.stderr)).toBe(0);
    expect(String(run.stdout)).toMatch(new RegExp(`^long-poll ×${SERVERS}\\s+${CLIENTS}\\s`, 'm'));
    expect(String(run.stdout)).toContain('caveat:');
    expect(results.scaleOutCaveat).toBeTruthy();
  });

  it('records two servers on a Redis room, and where they and Redis ran', () => {
    expect(results.points).toHaveLength(1);
    expect(point.reached, point.notes.join('; ')).toBe(true);
    expect(point.servers).toBe(SERVERS);
    expect(point.room).toBe('redis');
    expect(point.scaleOut?.roomUrl).toMatch(/^redis:\/\/127\.0\.0\.1:\d+\?stream=/);
    expect(point.scaleOut?.serverCpus).toHaveLength(SERVERS);
    expect(point.scaleOut?.clientsPerServer.reduce((a, b) => a + b)).toBe(CLIENTS);
    expect(point.server.perServer).toHaveLength(SERVERS);
  });

  it('holds requests on both servers, and their counts add up to the clients', () => {
    const perServer = point.idle?.perServer ?? [];
    expect(perServer).toHaveLength(SERVERS);
    for (const [index, server] of perServer.entries()) {
      expect(server.heldConnections.last, `server ${index + 1}`).toBeGreaterThan(0);
      expect(server.heldConnections.last, `server ${index + 1}`).toBe(server.clients);
      expect(server.establishedSockets, `server ${index + 1}`).toBeGreaterThanOrEqual(server.clients);
    }
    expect(point.idle?.heldConnections.last).toBe(CLIENTS);
    expect(point.idle?.serverCpuSeconds).toBeCloseTo(perServer.reduce((total, server) => total + server.serverCpuSeconds, 0), 6);
  });

  it('delivers every message to every client on either server, once', () => {
    const chat = point.chat;
    expect(chat?.messagesPublished).toBeGreaterThan(0);
    expect(chat?.deliveriesExpected).toBe(chat!.messagesPublished * CLIENTS);
    expect(chat?.deliveriesReceived).toBe(chat?.deliveriesExpected);
    expect(chat?.lost).toBe(0);
    expect(chat?.duplicates).toBe(0);
    expect(chat?.clientsMissingMessages).toBe(0);
    expect(chat?.redis?.rssBytes).toBeGreaterThan(0);
  });
});
