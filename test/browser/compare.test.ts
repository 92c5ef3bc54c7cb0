// The compare view: two chats in one page, same room, each on its own strategy.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { eventually, startTestServer, type TestServer } from '../support/server.ts';
import { SCREENSHOTS, newPerson, say, startBrowser, waitForMessage, waitUntilListening, wireRows } from './pages.ts';

let browser: Browser;
let server: TestServer;

beforeAll(async () => {
  browser = await startBrowser();
  server = await startTestServer();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the compare view', () => {
  it('shows one typed message on both sides, each received through its own strategy', async () => {
    const teacher = await newPerson(browser, 'teacher');
    const { page } = teacher;
    await page.goto(`${server.url}/compare?left=short-poll&right=long-poll`);
    await waitUntilListening(page, 'left');
    await waitUntilListening(page, 'right');

    await say(page, 'which side sees me first?', 'left');
    await waitForMessage(page, 'which side sees me first?', 'left');
    await waitForMessage(page, 'which side sees me first?', 'right');

    // Each side got it from its own strategy's endpoint.
    const carried = async (pane: string) => (await wireRows(page, pane)).filter((row) => row.messages > 0).map((row) => row.url);
    await eventually(async () => (await carried('left')).length > 0 && (await carried('right')).length > 0, 'both wire views show the delivery');
    expect(await carried('left')).toEqual([expect.stringMatching(/^\/api\/short-poll\/messages\?since=/)]);
    expect(await carried('right')).toEqual([expect.stringMatching(/^\/api\/long-poll\/messages\?since=/)]);
    await page.screenshot({ path: `${SCREENSHOTS}compare.png` });
    expect(teacher.errors).toEqual([]);
    await page.context().close();
  });

  it('keeps each side\'s strategy in the URL, so a link opens the same comparison', async () => {
    const { page } = await newPerson(browser, 'teacher');
    await page.goto(`${server.url}/compare?left=short-poll&right=long-poll`);
    await waitUntilListening(page, 'right');
    await page.check('#right .switcher input[value="long-poll-mtime"]');
    await page.waitForURL(/right=long-poll-mtime/);
    expect(new URL(page.url()).searchParams.get('left')).toBe('short-poll');
    await page.context().close();
  });
});
