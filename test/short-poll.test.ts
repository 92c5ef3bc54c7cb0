import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../wire/types.ts';
import { getJson, post, receive, startTestServer, type TestServer } from './support/server.ts';

describe('the short-poll strategy', () => {
  let server: TestServer;
  afterEach(() => server.stop());

  it('tells clients its poll interval in /api/config', async () => {
    server = await startTestServer({ settings: { pollInterval: 2500 } });
    const { body } = await getJson<Config>(`${server.url}/api/config`);
    expect(body.strategies.find((strategy) => strategy.name === 'short-poll')?.pollIntervalMs).toBe(2500);
  });

  it('hands a client that was away everything it missed, in one answer', async () => {
    server = await startTestServer();
    const { body: start } = await receive(server, 'short-poll');
    for (const text of ['one', 'two', 'three']) await post(server, 'short-poll', { author: 'ann', text });
    const { body } = await receive(server, 'short-poll', start.cursor);
    expect(body.messages.map((message) => message.text)).toEqual(['one', 'two', 'three']);
    expect(body.cursor).toBe(body.messages[2].id);
  });
});
