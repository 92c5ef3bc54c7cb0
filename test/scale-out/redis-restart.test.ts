// Redis goes away mid-run and comes back on the same port. Meanwhile posts
// are refused with 503 and a JSON error, held requests are answered and
// clients are told to back off; then both servers reconnect by themselves
// and nothing Redis acknowledged is lost.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openRoom } from '../../room/open-room.ts';
import type { Message, MessagesPage } from '../../wire/types.ts';
import { startPrivateRedis, skipRedisSuites, type PrivateRedis } from '../support/redis.ts';
import { eventually, messagesUrl, post, receive, startTestServer, stats, type TestServer } from '../support/server.ts';

/** Holds far longer than the test: a held request must be answered because Redis went away, not because it timed out. */
const HOLD_TIMEOUT_MS = 120_000;
/** How long the test client backs off after a 503 (a browser would honour Retry-After). */
const BACK_OFF_MS = 50;

/** A long-poll client that backs off and retries with the same cursor when it is answered 503. */
function patientLongPoll(server: { url: string }, since: string) {
  const client = { received: [] as Message[], statuses: [] as number[], errors: [] as string[], retryAfters: [] as (string | null)[], stop };
  const stopping = new AbortController();
  let cursor = since;
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      try {
        const response = await fetch(messagesUrl(server, 'long-poll', cursor), { signal: stopping.signal });
        client.statuses.push(response.status);
        if (response.status === 200) {
          const page = (await response.json()) as MessagesPage;
          client.received.push(...page.messages);
          cursor = page.cursor;
          continue;
        }
        client.retryAfters.push(response.headers.get('retry-after'));
        client.errors.push(((await response.json()) as { error: string }).error);
      } catch {
        if (stopping.signal.aborted) return;
      }
      await new Promise((resolve) => setTimeout(resolve, BACK_OFF_MS));
    }
  })();
  async function stop() {
    stopping.abort();
    await loop;
  }
  return client;
}

describe.skipIf(skipRedisSuites)('two servers while their Redis restarts', () => {
  let redis: PrivateRedis;
  let servers: TestServer[] = [];

  beforeAll(async () => {
    // With persistence off, whatever Redis held dies with it, and "acknowledged"
    // would only mean "held in memory until the crash". An append-only file
    // written before each acknowledgement (appendfsync always) makes every
    // acknowledged message survive the kill and be there after the restart.
    redis = await startPrivateRedis({ durable: true });
  });
  afterAll(() => redis?.stop());
  afterEach(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });

  it('tells whoever holds requests open that Redis went away, once per outage', async () => {
    const room = (await openRoom(redis.roomUrl('unavailable')))!;
    const heard: string[] = [];
    room.onUnavailable?.((error) => heard.push(`${error.name}: ${error.message}`));
    try {
      await redis.kill();
      await eventually(() => heard.length === 1, 'the room tells of the outage');
      expect(heard[0]).toMatch(/^RoomUnavailableError: the room is unavailable/);
      await redis.restart();
      await eventually(() => room.health?.().ok === true, 'the room is connected again');
      expect(heard).toHaveLength(1);
      await redis.kill();
      await eventually(() => heard.length === 2, 'the room tells of the second outage');
    } finally {
      await redis.restart();
      await room.close();
    }
  });

  it('refuses posts with 503 during the outage, reconnects by itself, and loses nothing acknowledged', async () => {
    const roomUrl = redis.roomUrl('restart');
    servers = await Promise.all(
      [0, 1].map(async () => startTestServer({ room: await openRoom(roomUrl), settings: { holdTimeout: HOLD_TIMEOUT_MS } })),
    );
    const [serverA, serverB] = servers;
    const acknowledged: string[] = [];
    async function postAlternately(count: number, label: string): Promise<void> {
      for (let n = 0; n < count; n += 1) {
        const { status, body } = await post(servers[n % 2], 'short-poll', { author: 'ann', text: `${label} ${n}` });
        expect(status).toBe(201);
        acknowledged.push(body.id);
      }
    }

    const { body: start } = await receive(serverB, 'short-poll');
    const client = patientLongPoll(serverA, start.cursor);
    try {
      await postAlternately(5, 'before');
      await eventually(() => client.received.length === 5, 'the client has the first five messages');

      await redis.kill();
      for (const server of servers) {
        const refused = await post(server, 'short-poll', { author: 'ann', text: 'into the void' });
        expect(refused.status).toBe(503);
        expect(refused.headers.get('content-type')).toMatch(/application\/json/);
        expect((refused.body as unknown as { error: string }).error).toMatch(/unavailable/);
        expect((await stats(server)).room.health?.ok).toBe(false);
      }
      await eventually(() => client.statuses.includes(503), 'the held client is answered and told 503');
      expect(client.errors.at(-1)).toMatch(/unavailable/);
      // The first refusal is the request that was held when Redis went away: answered with the others
      // that waited at its cursor, it carries Retry-After like any other 503.
      expect(client.retryAfters[0]).toBe('1');

      await redis.restart();
      // Nobody restarts the servers: each finds Redis again on its own.
      await eventually(async () => (await Promise.all(servers.map(stats))).every((s) => s.room.health?.ok === true), 'both servers see Redis again');
      await postAlternately(5, 'after');

      await eventually(() => client.received.length >= acknowledged.length, 'the client has every acknowledged message');
      expect(client.received.map((message) => message.id)).toEqual(acknowledged);
      const { body: everything } = await receive(serverB, 'short-poll', start.cursor);
      expect(everything.messages.map((message) => message.id)).toEqual(acknowledged);
    } finally {
      await client.stop();
    }
  });
});
