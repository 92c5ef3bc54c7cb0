// The status line tells the truth about the request that is out now: after a
// restart of the server, it says "waiting" as soon as the new server holds the
// page's long poll, not "reconnecting" until that poll's hold ends.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startShell } from '../../shell/shell.ts';
import { heldBecomes, post } from '../support/server.ts';
import { newPerson, openChat, startBrowser, waitForMessage, waitForStatus } from './pages.ts';

let browser: Browser;
let dataDir: string;

beforeAll(async () => {
  browser = await startBrowser();
  dataDir = await mkdtemp(join(tmpdir(), 'pollbench-status-line-'));
});

afterAll(async () => {
  await browser?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the status line', () => {
  it('says waiting as soon as a restarted server holds the long poll again', async () => {
    // One data folder for both servers: the second reads the first one's log, so the page's cursor stays valid and its next poll is held.
    const before = await startShell({ port: 0, dataDir });
    const ann = await newPerson(browser, 'ann');
    await openChat(ann, before.url, 'long-poll');
    await post(before, 'long-poll', { author: 'bob', text: 'before the restart' });
    await waitForMessage(ann.page, 'before the restart');
    await heldBecomes(before, 'long-poll', 1);
    await waitForStatus(ann.page, 'waiting');

    await before.close();
    await waitForStatus(ann.page, 'reconnecting');
    const after = await startShell({ port: before.port, dataDir });
    try {
      await heldBecomes(after, 'long-poll', 1);
      // Well within the 25 s hold: the status does not wait for the held request to end.
      await waitForStatus(ann.page, 'waiting');
      await post(after, 'long-poll', { author: 'bob', text: 'after the restart' });
      await waitForMessage(ann.page, 'after the restart');
      expect(ann.errors).toEqual([]);
    } finally {
      await ann.page.context().close();
      await after.close();
    }
  });
});
