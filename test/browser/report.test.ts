// The bench's report page in a real browser: served by the workbench at
// /results (under its Content-Security-Policy) and opened from disk, it
// draws every chart, one line per strategy.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../bench/report/write-report.ts';
import type { BenchResults, ChatPhase, IdlePhase, PointResult } from '../../bench/result-types.ts';
import { launchBrowser } from '../../bench/report/chromium.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const STRATEGIES = ['short-poll', 'long-poll-mtime', 'long-poll'];
const CLIENTS = [10, 100];
const CHART_IDS = ['chart-latency', 'chart-cpu', 'chart-cpu-per-message', 'chart-requests', 'chart-held', 'chart-loss'];

let browser: Browser;
let server: TestServer;
let reportDir: string;

beforeAll(async () => {
  reportDir = await mkdtemp(join(tmpdir(), 'pollbench-report-test-'));
  await writeReport(sampleResults(), reportDir);
  server = await startTestServer({ staticMounts: [{ urlPrefix: '/results', folder: reportDir }] });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await rm(reportDir, { recursive: true, force: true });
});

describe('the bench report', () => {
  it('draws every chart when the workbench serves it at /results, with nothing blocked', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${server.url}/results/report.html`);
    await expectChartsDrawn(page);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('draws every chart when opened straight from disk, offline', async () => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(join(reportDir, 'report.html')).href);
    await expectChartsDrawn(page);
    await page.close();
  });

  it('states the conditions of the run and lists its notes', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/results/report.html`);
    await expect.poll(() => page.textContent('#conditions')).toContain('commit 0123456789');
    expect(await page.textContent('#conditions')).toContain('Test CPU');
    expect(await page.textContent('#notes')).toContain('long-poll-mtime at 100 clients: 5 deliveries had not arrived');
    await page.close();
  });
});

/** Every chart exists, has one line per strategy (or more), and has painted pixels on its canvas. */
async function expectChartsDrawn(page: Page): Promise<void> {
  await page.waitForFunction(() => typeof (window as unknown as { Chart?: unknown }).Chart === 'function');
  for (const id of CHART_IDS) {
    const drawn = await page.evaluate((canvasId) => {
      const canvas = document.getElementById(canvasId) as HTMLCanvasElement;
      const chart = (window as unknown as { Chart: { getChart(canvas: HTMLCanvasElement): { data: { datasets: { label: string; data: unknown[] }[] } } | undefined } }).Chart.getChart(canvas);
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let alpha = 3; alpha < pixels.length; alpha += 4) if (pixels[alpha] > 0) painted += 1;
      return {
        labels: chart?.data.datasets.map((dataset) => dataset.label) ?? [],
        pointsPerLine: chart?.data.datasets.map((dataset) => dataset.data.length) ?? [],
        painted,
      };
    }, id);
    expect(drawn.labels.length, id).toBeGreaterThanOrEqual(STRATEGIES.length);
    for (const strategy of STRATEGIES) expect(drawn.labels.some((label) => label.startsWith(strategy)), `${id}: ${strategy}`).toBe(true);
    expect(Math.max(...drawn.pointsPerLine), id).toBe(CLIENTS.length);
    expect(drawn.painted, id).toBeGreaterThan(1000);
  }
}

/** A small run in the shape the bench writes; figures are made up, only the drawing is under test. */
function sampleResults(): BenchResults {
  const points: PointResult[] = [];
  STRATEGIES.forEach((strategy, index) => {
    for (const clients of CLIENTS) {
      const phase = {
        seconds: 2,
        serverCpuSeconds: 0.01 * clients,
        serverCpuPercentOfCore: (index + 1) * clients * 0.01,
        benchCpuPercentOfCore: 5,
        loadGeneratorWasTheLimit: false,
        otherProcessesCpuPercentOfCore: 3,
        requestsPerSecond: strategy === 'short-poll' ? clients : 0,
        bytesInPerSecond: 100 * clients,
        bytesOutPerSecond: 200 * clients,
        errors: 0,
        timeouts: 0,
        non2xx: 0,
        heldConnections: { min: 0, max: strategy === 'short-poll' ? 0 : clients, last: strategy === 'short-poll' ? 0 : clients },
        establishedSockets: clients,
        rssBytes: 100e6,
      };
      const idle: IdlePhase = { ...phase, rssPerHeldConnectionBytes: strategy === 'short-poll' ? null : 5000 };
      const lost = strategy === 'long-poll-mtime' ? clients / 20 : 0;
      const chat: ChatPhase = {
        ...phase,
        messagesPerSecond: 5,
        messagesPerSecondAchieved: 5,
        messagesPublished: 10,
        deliveriesExpected: 10 * clients,
        deliveriesReceived: 10 * clients - lost,
        lost,
        duplicates: 0,
        clientsMissingMessages: lost,
        deliveryLatencyMs: { p50: 10 * (3 - index), p95: 20 * (3 - index), p99: 30 * (3 - index), max: 40, samples: 10 * clients - lost },
        serverCpuMicrosecondsPerDeliveredMessage: 50 + index,
      };
      const notes = lost > 0 && clients === 100 ? [`${lost} deliveries had not arrived 1500 ms after the last message: counted as lost`] : [];
      points.push({ strategy, clients, reached: true, notes, server: { startupMs: 900, baselineRssBytes: 90e6, peakRssBytes: 110e6 }, idle, chat, repeats: 1 });
    }
  });
  return {
    format: 'pollbench-bench-results/1',
    command: 'npm run bench -- --clients 10,100',
    settings: { workload: 'sweep', strategies: STRATEGIES, clients: CLIENTS, idleSeconds: 2, chatSeconds: 2, messagesPerSecond: 5, repeat: 1, serverArguments: [] },
    machine: { cpuModel: 'Test CPU', cores: 2, totalMemoryBytes: 4e9, nodeVersion: process.version, platform: 'linux', kernel: 'test', openFilesLimit: 20000, loadAverageAtStart: [0, 0, 0] },
    commit: '0123456789abcdef0123456789abcdef01234567',
    uncommittedChanges: false,
    pinning: { pinned: true, serverCpus: '0', benchCpus: '1', note: 'server on CPU 0, bench on CPU 1, with taskset' },
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:01:00.000Z',
    loadAverageAtEnd: [0, 0, 0],
    points,
  };
}
