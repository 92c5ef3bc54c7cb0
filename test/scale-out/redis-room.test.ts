// The Redis room behind one server: the same API as the memory room, with
// Redis stream ids as cursors. Real redis-server, real server, real HTTP.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openRoom } from '../../room/open-room.ts';
import type { MessagesPage } from '../../wire/types.ts';
import { startPrivateRedis, skipRedisSuites, type PrivateRedis } from '../support/redis.ts';
import { getJson, heldBecomes, messagesUrl, post, receive, startTestServer, stats, type TestServer } from '../support/server.ts';

describe.skipIf(skipRedisSuites)('a Redis room behind one server', () => {
  let redis: PrivateRedis;
  let server: TestServer | undefined;
  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(() => redis?.stop());
  afterEach(() => server?.stop());

  async function serve(roomQuery = ''): Promise<TestServer> {
    const room = await openRoom(redis.roomUrl('one-server') + roomQuery);
    server = await startTestServer({ room, settings: { holdTimeout: 120_000 } });
    return server;
  }

  it('gives out Redis stream ids as cursors and answers exactly what follows one', async () => {
    const server = await serve();
    const first = await post(server, 'short-poll', { author: 'ann', text: 'one' });
    const second = await post(server, 'short-poll', { author: 'bob', text: 'two' });
    expect(first.status).toBe(201);
    expect(first.body.id).toMatch(/^\d+-\d+$/);
    const { body } = await receive(server, 'short-poll', first.body.id);
    expect(body).toEqual<MessagesPage>({
      messages: [{ id: second.body.id, author: 'bob', text: 'two', ts: second.body.ts }],
      cursor: second.body.id,
    });
  });

  it('answers a client with no cursor with the recent history, oldest first, and the newest id', async () => {
    const server = await serve();
    expect((await receive(server, 'long-poll')).body).toEqual({ messages: [], cursor: '0-0' });
    for (const text of ['a', 'b', 'c']) await post(server, 'long-poll', { author: 'ann', text });
    const { body } = await receive(server, 'long-poll');
    expect(body.messages.map((message) => message.text)).toEqual(['a', 'b', 'c']);
    expect(body.cursor).toBe(body.messages[2].id);
  });

  it('wakes a held long-poll request when a message is posted', async () => {
    const server = await serve();
    const { body: start } = await receive(server, 'long-poll');
    const waiting = receive(server, 'long-poll', start.cursor);
    await heldBecomes(server, 'long-poll', 1);
    await post(server, 'short-poll', { author: 'ann', text: 'wake up' });
    expect((await waiting).body.messages.map((message) => message.text)).toEqual(['wake up']);
  });

  it.each([
    ['a cursor that is not a stream id', 'not-a-cursor', /must be a message id/],
    ['a cursor ahead of the stream', '99999999999999-0', /ahead of the room/],
  ])('refuses %s with 400 and a JSON error', async (_what, cursor, error) => {
    const server = await serve();
    await post(server, 'short-poll', { author: 'ann', text: 'hello' });
    const answer = await getJson<{ error: string }>(messagesUrl(server, 'short-poll', cursor));
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(error);
  });

  it('reports a gap to a cursor older than the history Redis keeps, and goes on from what is left', async () => {
    const server = await serve('&history=10');
    const { body: start } = await receive(server, 'short-poll');
    // MAXLEN ~ trims whole blocks of 100 entries, so it takes a few hundred messages to see a trim.
    for (let batch = 0; batch < 3; batch += 1) {
      await Promise.all(Array.from({ length: 100 }, (_, i) => post(server, 'short-poll', { author: 'ann', text: `m${batch * 100 + i}` })));
    }
    const { body } = await receive(server, 'short-poll', start.cursor);
    expect(body.gap).toBe(true);
    expect(body.messages.length).toBeGreaterThan(0);
    expect(body.messages.length).toBeLessThan(300);
    const { body: recent } = await receive(server, 'short-poll', body.messages[0].id);
    expect(recent.gap).toBeUndefined();
  });

  it('shows the room kind, its size and whether Redis is reachable in /api/stats', async () => {
    const server = await serve();
    await post(server, 'short-poll', { author: 'ann', text: 'count me' });
    const { room } = await stats(server);
    expect(room.kind).toBe('redis');
    expect(room.messages).toBe(1);
    expect(room.health).toMatchObject({ ok: true, connection: 'ready' });
  });

  it('refuses to open a room on a Redis nobody listens on, saying where it looked', async () => {
    const stopped = await startPrivateRedis();
    await stopped.stop();
    await expect(openRoom(stopped.url)).rejects.toThrow(`cannot reach Redis at ${stopped.url}`);
  });

  it('refuses a --room that is neither "memory" nor a redis:// URL', async () => {
    await expect(openRoom('postgres://localhost/chat')).rejects.toThrow(/must be "memory" or a redis:\/\/ URL/);
  });

  it('opens the in-memory room for no --room or "memory", keeping --history messages', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pollbench-open-room-'));
    try {
      for (const spec of [undefined, 'memory']) {
        const room = await openRoom(spec, { dataDir, historyLimit: 2 });
        for (const text of ['one', 'two', 'three']) await room.append({ author: 'ann', text });
        expect(room.kind).toBe('memory');
        expect(room.messageCount()).toBe(2);
        await room.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
