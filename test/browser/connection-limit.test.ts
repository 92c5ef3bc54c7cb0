// The browser's limit of connections per host (lesson 6), in a real Chromium:
// six long-poll tabs of one browser window make the server hold six requests;
// a seventh tab's request waits in the browser, not at the server, and its
// wire view says so rather than calling it held.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { heldBecomes, post, startTestServer, stats, type TestServer } from '../support/server.ts';
import { newTabs, openChat, startBrowser, waitForMessage, wireRows } from './pages.ts';

/** What Chromium sends to one host at once over HTTP/1.1; the rest wait for a free connection. */
const CONNECTIONS_PER_HOST = 6;
/** How long the seventh tab's request must have been out, unanswered, before the test looks at the server. */
const PENDING_MS = 1000;
/** Seven tabs on a busy 2-core machine take a while to open. */
const TEST_LIMIT_MS = 120_000;

let browser: Browser;
let server: TestServer;

beforeAll(async () => {
  browser = await startBrowser();
  // Holds longer than the test: every held request ends because of what the test does, not a timeout.
  server = await startTestServer({ settings: { pollInterval: 200, holdTimeout: 120_000 } });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The newest long poll of a tab's wire view (a GET with a cursor). */
async function newestLongPoll(page: Page) {
  return (await wireRows(page)).find((row) => row.url.startsWith('/api/long-poll/messages?since='));
}

describe('the per-host connection limit', () => {
  it('lets six long-poll tabs hold six requests; a seventh waits in the browser, shown as pending then queued', async () => {
    // A first message, so that every tab switching to long-poll resumes after it: its first ask is a ?since= one the server holds.
    await post(server, 'short-poll', { author: 'bob', text: 'hello, tabs' });
    const tabs = await newTabs(browser, 'ann', CONNECTIONS_PER_HOST + 1);
    // Short polls hold no connection, so every tab loads while connections are free.
    await Promise.all(tabs.map((tab) => openChat(tab, server.url, 'short-poll')));
    const six = tabs.slice(0, CONNECTIONS_PER_HOST);
    const seventh = tabs[CONNECTIONS_PER_HOST];

    // All six ask the same ?since= URL: without no-store, Chromium would send one and queue five behind its cache.
    await Promise.all(six.map((tab) => tab.page.check('.switcher input[value="long-poll"]')));
    await heldBecomes(server, 'long-poll', CONNECTIONS_PER_HOST);

    await seventh.page.check('.switcher input[value="long-poll"]');
    await seventh.page.waitForFunction(
      (pendingMs) =>
        [...document.querySelectorAll('table.requests tr[data-state="open"]')].some(
          (row) => row.getAttribute('data-url')?.startsWith('/api/long-poll/messages?since=') && Number(row.getAttribute('data-took-ms')) >= pendingMs,
        ),
      PENDING_MS,
    );
    // Out for a second, and still the server holds only six: the seventh has not reached it.
    expect((await stats(server)).strategies['long-poll'].held).toBe(CONNECTIONS_PER_HOST);
    const pending = (await newestLongPoll(seventh.page))!;
    expect(pending.status).toBe('pending');
    expect(pending.title).toMatch(/held by the server, or still queued in the browser/);

    // A message answers the six held requests; a connection comes free and the seventh request goes out at last.
    await post(server, 'short-poll', { author: 'bob', text: 'through at last' });
    await Promise.all(tabs.map((tab) => waitForMessage(tab.page, 'through at last')));

    const queued = (await wireRows(seventh.page)).find((row) => row.url === pending.url && row.state === 'done')!;
    expect(queued.messages).toBe(1);
    expect(queued.queuedMs).toBeGreaterThanOrEqual(PENDING_MS);
    expect(queued.title).toMatch(/queued in the browser before it was sent/);
    expect(await seventh.page.locator('.timeline .bar .queued-part').count()).toBeGreaterThan(0);
    // The six went out at once, and the wire view says they were not queued.
    const held = (await wireRows(six[0].page)).find((row) => row.url.startsWith('/api/long-poll/messages?since=') && row.messages === 1)!;
    expect(held.queuedMs).toBe(0);
    expect(held.tookMs).toBeGreaterThanOrEqual(PENDING_MS);

    expect(tabs.flatMap((tab) => tab.errors)).toEqual([]);
    await seventh.page.context().close();
  }, TEST_LIMIT_MS);
});
