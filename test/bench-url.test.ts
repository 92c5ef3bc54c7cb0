// The plain reference (bench/reference/plain-long-poll.ts) run on its own,
// as a student would run a server of their own: first its HTTP contract,
// then `npm run bench -- --url` measuring it with ten clients and one-second
// phases. No figure is asserted on, only that each was measured.

import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResults, PointResult } from '../bench/result-types.ts';
import { startServerProcess, type ServerProcess } from '../bench/server-process.ts';
import type { Stats } from '../wire/types.ts';
import { getJson, post, receive } from './support/server.ts';

const REFERENCE = 'bench/reference/plain-long-poll.ts';
const CLIENTS = 10;
const RUN_LIMIT_MS = 120_000;
/** Short, so that a test can watch a hold end. */
const SHORT_HOLD_TIMEOUT_MS = 300;

function runBenchCli(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'bench/cli.ts', ...args], { encoding: 'utf8', timeout: RUN_LIMIT_MS });
}

async function heldBy(server: { url: string }): Promise<number> {
  return (await getJson<Stats>(`${server.url}/api/stats`)).body.strategies['long-poll'].held;
}

describe('the plain reference, on its own', () => {
  let reference: ServerProcess;

  beforeAll(async () => {
    reference = await startServerProcess(REFERENCE, ['--port', '0'], null);
  });
  afterAll(() => reference?.stop());

  it('answers a GET without a cursor at once, with the history and a cursor', async () => {
    const { status, body } = await receive(reference, 'long-poll');
    expect(status).toBe(200);
    expect(Array.isArray(body.messages)).toBe(true);
    expect(body.cursor).toBe(String(body.messages.length));
  });

  it('holds a GET at the newest cursor until a post, then answers it with that message', async () => {
    const { cursor } = (await receive(reference, 'long-poll')).body;
    const held = receive(reference, 'long-poll', cursor);
    await expect.poll(() => heldBy(reference)).toBe(1);
    const posted = await post(reference, 'long-poll', { author: 'ann', text: 'hi' });
    expect(posted.status).toBe(201);
    const { body } = await held;
    expect(body.messages).toEqual([{ id: posted.body.id, author: 'ann', text: 'hi', ts: posted.body.ts }]);
    expect(body.cursor).toBe(posted.body.id);
    expect(await heldBy(reference)).toBe(0);
  });

  it('answers a held GET with no messages when its hold times out', async () => {
    const impatient = await startServerProcess(REFERENCE, ['--port', '0', '--hold-timeout', String(SHORT_HOLD_TIMEOUT_MS)], null);
    try {
      const { cursor } = (await receive(impatient, 'long-poll')).body;
      const startedAt = performance.now();
      const { status, body } = await receive(impatient, 'long-poll', cursor);
      expect(performance.now() - startedAt).toBeGreaterThanOrEqual(SHORT_HOLD_TIMEOUT_MS - 1);
      expect([status, body]).toEqual([200, { messages: [], cursor }]);
    } finally {
      await impatient.stop();
    }
  });

  it('refuses a cursor it never gave, a bad draft and an unknown path, saying why', async () => {
    const badCursor = await receive(reference, 'long-poll', 'yesterday');
    expect([badCursor.status, badCursor.body]).toEqual([400, { error: 'unknown cursor "yesterday"' }]);
    const badDraft = await post(reference, 'long-poll', { author: 'ann' });
    expect([badDraft.status, badDraft.body]).toEqual([400, { error: '"text" is missing' }]);
    const unknown = await getJson(`${reference.url}/api/sse/events`);
    expect(unknown.status).toBe(404);
  });
});

describe('npm run bench -- --url, measuring the plain reference started on its own', () => {
  let reference: ServerProcess;
  let outDir: string;
  let run: ReturnType<typeof runBenchCli>;
  let results: BenchResults;
  let point: PointResult;

  beforeAll(async () => {
    reference = await startServerProcess(REFERENCE, ['--port', '0'], null);
    outDir = await mkdtemp(join(tmpdir(), 'pollbench-bench-url-'));
    run = runBenchCli(['--url', reference.url, '--clients', String(CLIENTS), '--duration', '1', '--out', outDir, '--no-png']);
    results = JSON.parse(await readFile(join(outDir, 'latest.json'), 'utf8')) as BenchResults;
    point = results.points[0];
  }, RUN_LIMIT_MS);
  afterAll(async () => {
    await reference?.stop();
    await rm(outDir, { recursive: true, force: true });
  });

  it('exits 0, measures long-poll there, and records the URL', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^long-poll\\s+${CLIENTS}\\s`, 'm'));
    expect(results.settings.url).toBe(reference.url);
    expect(results.points.map((p) => [p.strategy, p.clients, p.reached])).toEqual([['long-poll', CLIENTS, true]]);
    expect(point.target?.url).toBe(reference.url);
  });

  it('finds the server process from its listening port, and reads its CPU and memory', () => {
    expect(point.target).toMatchObject({ pid: reference.pid, pidFoundBy: 'listening socket', local: true });
    expect(run.stdout).toContain(`process ${reference.pid} (listening socket)`);
    expect(point.idle?.serverCpuSeconds).toBeGreaterThanOrEqual(0);
    expect(point.chat?.serverCpuSeconds).toBeGreaterThanOrEqual(0);
    expect(point.server.peakRssBytes).toBeGreaterThan(0);
    expect(point.chat?.rssBytes).toBeGreaterThan(0);
  });

  it('holds every client while idle, and delivers every message to every client once', () => {
    expect(point.idle?.heldConnections.last).toBe(CLIENTS);
    expect(point.idle?.establishedSockets).toBeGreaterThanOrEqual(CLIENTS);
    expect(point.chat?.messagesPublished).toBeGreaterThan(0);
    expect(point.chat?.deliveriesReceived).toBe(point.chat?.deliveriesExpected);
    expect([point.chat?.lost, point.chat?.duplicates]).toEqual([0, 0]);
  });

  it('leaves the server running, with its clients gone', async () => {
    expect(reference.unexpectedExit()).toBeUndefined();
    await expect.poll(() => heldBy(reference)).toBe(0);
  });
});

describe('npm run bench -- --url with options that do not apply', () => {
  it('refuses --pid without --url, and the plain reference at --url, exiting 2', () => {
    const pidAlone = runBenchCli(['--pid', '1']);
    expect([pidAlone.status, pidAlone.stderr]).toEqual([2, expect.stringContaining('--pid goes with --url')]);
    const reference = runBenchCli(['--url', 'http://127.0.0.1:1', '--strategies', 'plain-reference']);
    expect([reference.status, reference.stderr]).toEqual([2, expect.stringContaining('start it and name the strategy it speaks')]);
  });
});
