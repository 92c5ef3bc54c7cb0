// The wire view shows what each strategy does on the network: a long poll is
// one request the server holds; short polls are many quick, mostly empty ones.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { eventually, post, startTestServer, type TestServer } from '../support/server.ts';
import { newPerson, openChat, startBrowser, wireCounter, wireRows } from './pages.ts';

/** Long enough that a short poll shows many requests, short enough to keep the test quick. */
const POLL_INTERVAL_MS = 200;
/** A request open this long without an answer is being held by the server. */
const HELD_MS = 1500;

let browser: Browser;
let server: TestServer;

beforeAll(async () => {
  browser = await startBrowser();
  server = await startTestServer({ settings: { pollInterval: POLL_INTERVAL_MS } });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the wire view', () => {
  it('shows a long poll as one request the server holds open', async () => {
    const { page } = await newPerson(browser, 'ann');
    await openChat({ page, dialogs: [], errors: [] }, server.url, 'long-poll');
    await page.waitForFunction(
      (heldMs) => [...document.querySelectorAll('table.requests tr[data-state="open"]')].some((row) => Number(row.getAttribute('data-took-ms')) >= heldMs),
      HELD_MS,
      { timeout: 10_000 },
    );
    const receives = (await wireRows(page)).filter((row) => row.purpose === 'receive');
    // The history it asked for on opening, then the one held request: nothing more.
    expect(receives.map((row) => row.state)).toEqual(['open', 'done']);
    expect(receives[0].url).toMatch(/^\/api\/long-poll\/messages\?since=/);
    expect(await page.$$eval('.timeline .bar.open', (bars) => bars.length)).toBe(1);
    await page.context().close();
  });

  it('shows short polls as many quick requests, mostly answered empty', async () => {
    const { page } = await newPerson(browser, 'ann');
    await openChat({ page, dialogs: [], errors: [] }, server.url, 'short-poll');
    await page.waitForFunction(() => Number(document.querySelector('[data-counter="empty"]')?.textContent) >= 6, undefined, { timeout: 10_000 });
    const receives = (await wireRows(page)).filter((row) => row.purpose === 'receive');
    expect(receives.length).toBeGreaterThanOrEqual(6);
    expect(receives.filter((row) => row.state === 'done' && row.messages === 0).length).toBeGreaterThanOrEqual(5);
    expect(Number(await wireCounter(page, 'requests'))).toBeGreaterThanOrEqual(6);
    expect(await page.$$eval('.timeline .bar.empty', (bars) => bars.length)).toBeGreaterThanOrEqual(5);
    await page.context().close();
  });

  it('counts the delivery delay of a message posted elsewhere', async () => {
    const { page } = await newPerson(browser, 'ann');
    await openChat({ page, dialogs: [], errors: [] }, server.url, 'long-poll');
    expect(await wireCounter(page, 'delay')).toBe('–');
    await post(server, 'short-poll', { author: 'bob', text: 'how long did I take?' });
    await eventually(async () => /^\d+ ms$/.test(await wireCounter(page, 'delay')), 'the wire view shows a delay');
    expect(await wireCounter(page, 'average')).toMatch(/^\d+ ms$/);
    await page.context().close();
  });
});
