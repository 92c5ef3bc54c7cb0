// The document's data-file long poll works, and loses messages exactly the
// ways the document's design says it must. These tests pin the flaws as behaviour.

import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../wire/types.ts';
import { eventually, getJson, heldBecomes, post, receive, startTestServer, stats, type TestServer } from './support/server.ts';

const MTIME = 'long-poll-mtime';

describe('the long-poll-mtime strategy', () => {
  let server: TestServer;
  afterEach(() => server.stop());

  it('answers with the one message in the data file and its whole-second mtime as cursor', async () => {
    server = await startTestServer();
    const { body: start } = await receive(server, MTIME);
    expect(start).toEqual({ messages: [], cursor: '0' }); // no file yet
    const sent = await post(server, MTIME, { author: 'ann', text: 'hello' });
    const { body } = await receive(server, MTIME, start.cursor);
    expect(body.messages).toEqual([{ id: sent.body.id, author: 'ann', text: 'hello', ts: sent.body.ts }]);
    const { mtimeMs } = await stat(join(server.dataDir, 'data.txt'));
    expect(body.cursor).toBe(String(Math.floor(mtimeMs / 1000) * 1000));
  });

  it('loses a message posted while nobody was asking, because the next one overwrites the file', async () => {
    server = await startTestServer();
    const { body: start } = await receive(server, MTIME);
    await post(server, MTIME, { author: 'ann', text: 'overwritten' });
    await post(server, MTIME, { author: 'bob', text: 'survivor' });
    const { body } = await receive(server, MTIME, start.cursor);
    expect(body.messages.map((message) => message.text)).toEqual(['survivor']);
    // The room did accept both: clients of other strategies get them.
    const { body: history } = await receive(server, 'short-poll');
    expect(history.messages.map((message) => message.text)).toEqual(['overwritten', 'survivor']);
  });

  it('never delivers the second of two messages posted within the same second', async () => {
    server = await startTestServer();
    const dataFile = join(server.dataDir, 'data.txt');
    for (let attempt = 0; attempt < 5; attempt++) {
      await startOfNextSecond();
      const { body: start } = await receive(server, MTIME);
      await post(server, MTIME, { author: 'ann', text: `first ${attempt}` });
      const { body: got } = await receive(server, MTIME, start.cursor);
      expect(got.messages.map((message) => message.text)).toEqual([`first ${attempt}`]);
      await post(server, MTIME, { author: 'ann', text: `second ${attempt}` });
      const secondMtime = Math.floor((await stat(dataFile)).mtimeMs / 1000) * 1000;
      if (String(secondMtime) !== got.cursor) continue; // a second boundary fell between the posts: try again

      // The client asks again with the cursor it was given. The file is newer, but not by a whole second.
      const client = new AbortController();
      const asking = receive(server, MTIME, got.cursor, client.signal).then(
        () => 'answered',
        () => 'still waiting',
      );
      await heldBecomes(server, MTIME, 1);
      await sleep(1500); // past the end of that second: still nothing, and nothing will ever come
      client.abort();
      expect(await asking).toBe('still waiting');
      const { body: history } = await receive(server, 'short-poll');
      expect(history.messages.map((message) => message.text)).toContain(`second ${attempt}`);
      return;
    }
    throw new Error('could not post two messages within one second in 5 attempts');
  });

  it('delivers that second message when the mtime is compared in milliseconds', async () => {
    server = await startTestServer({ settings: { mtimeResolutionMs: 1 } });
    const { body: start } = await receive(server, MTIME);
    await post(server, MTIME, { author: 'ann', text: 'first' });
    const { body: got } = await receive(server, MTIME, start.cursor);
    await post(server, MTIME, { author: 'ann', text: 'second' });
    const { body } = await receive(server, MTIME, got.cursor);
    expect(body.messages.map((message) => message.text)).toEqual(['second']);
  });

  it('stats the data file over and over for every waiting client', async () => {
    server = await startTestServer();
    const { body: start } = await receive(server, MTIME);
    const client = new AbortController();
    const asking = receive(server, MTIME, start.cursor, client.signal).catch(() => 'aborted');
    await heldBecomes(server, MTIME, 1);
    const checksBefore = (await stats(server)).strategies[MTIME].fileChecks;
    await eventually(async () => (await stats(server)).strategies[MTIME].fileChecks >= checksBefore + 5, 'five more file checks');
    client.abort();
    await asking;
  });

  it('has no hold timeout by default: a request is still held after fifty file checks', async () => {
    server = await startTestServer();
    const { body: config } = await getJson<Config>(`${server.url}/api/config`);
    expect(config.strategies.find((strategy) => strategy.name === MTIME)?.holdTimeoutMs).toBe(0);
    const { body: start } = await receive(server, MTIME);
    const client = new AbortController();
    let answered = false;
    const asking = receive(server, MTIME, start.cursor, client.signal).then(() => (answered = true), () => 'aborted');
    await heldBecomes(server, MTIME, 1);
    const checksBefore = (await stats(server)).strategies[MTIME].fileChecks;
    await eventually(async () => (await stats(server)).strategies[MTIME].fileChecks >= checksBefore + 50, 'fifty more file checks');
    expect(answered).toBe(false);
    expect((await stats(server)).strategies[MTIME].held).toBe(1);
    client.abort();
    await asking;
  });

  it('answers empty with the same cursor after --mtime-hold-timeout when it is set', async () => {
    server = await startTestServer({ settings: { mtimeHoldTimeout: 300 } });
    const { body: start } = await receive(server, MTIME);
    const { status, body } = await receive(server, MTIME, start.cursor);
    expect(status).toBe(200);
    expect(body).toEqual({ messages: [], cursor: start.cursor });
    const { body: config } = await getJson<Config>(`${server.url}/api/config`);
    expect(config.strategies.find((strategy) => strategy.name === MTIME)?.holdTimeoutMs).toBe(300);
  });
});

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Wait until just after the wall clock enters a new second. */
function startOfNextSecond() {
  return sleep(1000 - (Date.now() % 1000) + 5);
}
