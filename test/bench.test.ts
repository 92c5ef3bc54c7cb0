// The bench, run for real and briefly: a handful of clients per strategy and
// on the plain reference, one-second phases, into a temporary folder. Checks
// what it writes, and that the event-driven long poll, SSE, WebSocket and the
// reference lost nothing. No figure is asserted on: speed is what the bench
// reports, not what a test can promise.

import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResults } from '../bench/result-types.ts';

const REFERENCE = 'plain-reference';
const STRATEGIES = ['short-poll', 'long-poll-mtime', 'long-poll', 'sse', 'websocket', REFERENCE];
/** Strategies that push over one long-lived stream or socket: after connecting, their clients send no requests. */
const PUSH = ['sse', 'websocket'];
/** Strategies that must deliver every message exactly once. */
const LOSSLESS = ['long-poll', ...PUSH, REFERENCE];
const CLIENTS = 5;
const RUN_LIMIT_MS = 120_000;

function runBenchCli(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'bench/cli.ts', ...args], { encoding: 'utf8', timeout: RUN_LIMIT_MS });
}

describe('npm run bench, briefly, with a handful of clients per strategy', () => {
  let outDir: string;
  let run: ReturnType<typeof runBenchCli>;
  let results: BenchResults;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'pollbench-bench-test-'));
    run = runBenchCli(['--strategies', STRATEGIES.join(','), '--clients', String(CLIENTS), '--duration', '1', '--out', outDir, '--no-png']);
    results = JSON.parse(await readFile(join(outDir, 'latest.json'), 'utf8')) as BenchResults;
  }, RUN_LIMIT_MS);
  afterAll(() => rm(outDir, { recursive: true, force: true }));

  it('exits 0 and prints a table with a row per strategy', () => {
    expect(run.status, run.stderr).toBe(0);
    for (const strategy of STRATEGIES) expect(run.stdout).toMatch(new RegExp(`^${strategy}\\s+${CLIENTS}\\s`, 'm'));
  });

  it('writes a dated result file identical to latest.json, and the report beside it', async () => {
    const files = await readdir(outDir);
    const dated = files.filter((file) => /^\d{4}-\d{2}-\d{2}-\d{4}-[0-9a-f]{7}\.json$|^\d{4}-\d{2}-\d{2}-\d{4}-unknown\.json$/.test(file));
    expect(dated).toHaveLength(1);
    expect(await readFile(join(outDir, dated[0]), 'utf8')).toBe(await readFile(join(outDir, 'latest.json'), 'utf8'));
    expect(files).toEqual(expect.arrayContaining(['report.html', 'report.js', 'report-data.js', 'report.css', 'chart.umd.min.js']));
  });

  it('records the command, the machine, the commit and the pinning', () => {
    expect(results.format).toBe('pollbench-bench-results/1');
    expect(results.command).toContain('--clients 5');
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(results.machine.nodeVersion).toBe(process.version);
    expect(results.commit).toMatch(/^[0-9a-f]{40}$|^unknown$/);
    expect(typeof results.pinning.pinned).toBe('boolean');
    expect(results.pinning.note.length).toBeGreaterThan(0);
  });

  it('measures every strategy at the asked number of clients, idle and chatting', () => {
    expect(results.points.map((point) => [point.strategy, point.clients])).toEqual(STRATEGIES.map((strategy) => [strategy, CLIENTS]));
    for (const point of results.points) {
      expect(point.reached, point.notes.join('; ')).toBe(true);
      expect(point.server.peakRssBytes).toBeGreaterThan(0);
      expect(point.idle?.seconds).toBeGreaterThan(0);
      expect(point.idle?.serverCpuSeconds).toBeGreaterThanOrEqual(0);
      expect(point.chat?.messagesPublished).toBeGreaterThan(0);
      expect(point.chat?.deliveriesExpected).toBe(point.chat!.messagesPublished * CLIENTS);
      expect(point.chat?.deliveriesReceived).toBeGreaterThan(0);
      expect(point.chat?.deliveryLatencyMs.samples).toBe(point.chat?.deliveriesReceived);
      if (!PUSH.includes(point.strategy)) expect(point.chat?.requestsPerSecond).toBeGreaterThan(0);
    }
  });

  it('sees every long-poll client held while idle, and short-poll holding none', () => {
    const byStrategy = new Map(results.points.map((point) => [point.strategy, point]));
    expect(byStrategy.get('long-poll')?.idle?.heldConnections.last).toBe(CLIENTS);
    expect(byStrategy.get('long-poll')?.idle?.establishedSockets).toBeGreaterThanOrEqual(CLIENTS);
    expect(byStrategy.get('short-poll')?.idle?.heldConnections.max).toBe(0);
    expect(byStrategy.get('short-poll')?.idle?.requestsPerSecond).toBeGreaterThan(0);
  });

  it('sees every SSE stream and WebSocket held while idle, with no request sent and no error', () => {
    for (const strategy of PUSH) {
      const idle = results.points.find((point) => point.strategy === strategy)?.idle;
      expect(idle?.heldConnections.last, strategy).toBe(CLIENTS);
      expect(idle?.establishedSockets, strategy).toBeGreaterThanOrEqual(CLIENTS);
      expect(idle?.requestsPerSecond, strategy).toBe(0);
      expect([idle?.errors, idle?.timeouts, idle?.non2xx], strategy).toEqual([0, 0, 0]);
    }
  });

  it('measures the plain reference over the long-poll contract, every client held while idle', () => {
    const reference = results.points.find((point) => point.strategy === REFERENCE);
    expect(reference?.speaks).toBe('long-poll');
    expect(reference?.idle?.heldConnections.last).toBe(CLIENTS);
    expect(reference?.idle?.establishedSockets).toBeGreaterThanOrEqual(CLIENTS);
  });

  it('puts every strategy\'s CPU per delivery beside the reference\'s, in the JSON and the table', () => {
    const reference = results.points.find((point) => point.strategy === REFERENCE)!.chat!.serverCpuMicrosecondsPerDeliveredMessage;
    for (const point of results.points) {
      const own = point.chat?.serverCpuMicrosecondsPerDeliveredMessage;
      const expected = own != null && reference != null && reference > 0 ? own / reference : null;
      expect(point.chat?.serverCpuPerDeliveryTimesReference, point.strategy).toBe(expected);
    }
    expect(run.stdout).toMatch(/^strategy .* × ref /m);
  });

  it.each(LOSSLESS)('finds that %s lost and duplicated nothing', (strategy) => {
    const chat = results.points.find((point) => point.strategy === strategy)?.chat;
    expect(chat?.lost).toBe(0);
    expect(chat?.duplicates).toBe(0);
    expect(chat?.deliveriesReceived).toBe(chat?.deliveriesExpected);
  });
});

describe('npm run bench with bad options', () => {
  it('refuses an unknown strategy, names the known ones, and exits 2', () => {
    const run = runBenchCli(['--strategies', 'carrier-pigeon']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('Unknown strategy "carrier-pigeon"');
    expect(run.stderr).toContain('long-poll');
  });

  it('refuses a number of clients that is not a whole number above 0', () => {
    const run = runBenchCli(['--clients', '10,zero']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--clients');
  });
});
