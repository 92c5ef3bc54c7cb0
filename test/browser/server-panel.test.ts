// The server panel draws live charts from /api/stats, and they move when people chat.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { eventually, post, startTestServer, type TestServer } from '../support/server.ts';
import { newPerson, openChat, startBrowser } from './pages.ts';

let browser: Browser;
let server: TestServer;

beforeAll(async () => {
  browser = await startBrowser();
  server = await startTestServer({ settings: { pollInterval: 200 } });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The chart's pixels, to tell whether it drew anything and whether that changed. */
function chartPixels(page: Page, chart: string): Promise<string> {
  return page.$eval(`canvas[data-chart="${chart}"]`, (canvas) => (canvas as HTMLCanvasElement).toDataURL());
}

/** How many pixels of the chart are not blank. */
function paintedPixels(page: Page, chart: string): Promise<number> {
  return page.$eval(`canvas[data-chart="${chart}"]`, (canvas) => {
    const { width, height } = canvas as HTMLCanvasElement;
    const pixels = (canvas as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, width, height).data;
    let painted = 0;
    for (let index = 3; index < pixels.length; index += 4) if (pixels[index] > 0) painted += 1;
    return painted;
  });
}

function nowLine(page: Page, chart: string): Promise<string> {
  return page.$eval(`.chart-now[data-chart="${chart}"]`, (line) => line.textContent ?? '');
}

describe('the server panel', () => {
  it('draws requests, held requests and CPU, and the charts move when messages flow', async () => {
    const watcher = await newPerson(browser, 'teacher');
    await watcher.page.goto(`${server.url}/stats`);
    await eventually(async () => (await nowLine(watcher.page, 'requests')).startsWith('now:'), 'the first rates are drawn');
    for (const chart of ['requests', 'held', 'cpu']) expect(await paintedPixels(watcher.page, chart)).toBeGreaterThan(0);
    const before = await chartPixels(watcher.page, 'requests');

    // A short-polling student, a long-polling one, and messages flowing.
    const ann = await newPerson(browser, 'ann');
    const bob = await newPerson(browser, 'bob');
    await openChat(ann, server.url, 'short-poll');
    await openChat(bob, server.url, 'long-poll');
    for (let index = 0; index < 5; index += 1) await post(server, 'long-poll', { author: 'cy', text: `tick ${index}` });

    await eventually(async () => /short-poll [1-9]/.test(await nowLine(watcher.page, 'requests')), 'short-poll requests per second show', 15_000);
    await eventually(async () => /long-poll 1\b/.test(await nowLine(watcher.page, 'held')), 'the held long poll shows', 15_000);
    expect(await chartPixels(watcher.page, 'requests')).not.toBe(before);
    expect(watcher.errors).toEqual([]);
    for (const person of [watcher, ann, bob]) await person.page.context().close();
  });

  it('opens as a side panel on the chat page and starts drawing', async () => {
    const ann = await newPerson(browser, 'ann');
    await openChat(ann, server.url, 'long-poll');
    await ann.page.click('#server-details summary');
    await eventually(async () => (await nowLine(ann.page, 'held')).startsWith('now:'), 'the side panel draws');
    expect(await paintedPixels(ann.page, 'held')).toBeGreaterThan(0);
    await ann.page.context().close();
  });
});
