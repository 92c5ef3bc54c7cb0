// Re-polls answered from the tail: each server keeps the newest messages its
// reader has read and answers cursors among them without asking Redis. These
// tests push on the edges of that: cursors older than the tail, a cursor that
// another server gave out before this server's reader read the message, and a
// Redis that comes back empty. Every answer must be exactly what follows the
// cursor in the room Redis holds: nothing skipped, nothing twice, nothing stale.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisRoom } from '../../room/redis-room.ts';
import type { Accepted, Message } from '../../wire/types.ts';
import { startPrivateRedis, skipRedisSuites, type PrivateRedis } from '../support/redis.ts';
import { eventually, getJson, heldBecomes, messagesUrl, post, receive, startTestServer, stats, type TestServer } from '../support/server.ts';
import { followByPolling, hasReceived, type Follower } from './followers.ts';
import { startReaderDelayProxy, type ReaderDelayProxy } from './reader-delay-proxy.ts';

/** Longer than any test: a held request is answered because a message came, never by a timeout. */
const HOLD_TIMEOUT_MS = 120_000;
/**
 * A bound on the count catching up after a reconnection: far more than one round trip, and well under the
 * reader's 10-second XREAD block, after which the reader would bring the count anyway.
 */
const COUNT_REFRESH_LIMIT_MS = 5_000;

describe.skipIf(skipRedisSuites)('a server answering re-polls from the messages its reader has read', () => {
  let redis: PrivateRedis;
  let proxy: ReaderDelayProxy | undefined;
  let servers: TestServer[] = [];
  const followers: Follower[] = [];
  let rooms = 0;

  beforeAll(async () => {
    // Persistence off: a restart loses the stream, as a Redis without a disk would.
    redis = await startPrivateRedis();
  });
  afterAll(() => redis?.stop());
  afterEach(async () => {
    await Promise.all(followers.splice(0).map((follower) => follower.stop()));
    await Promise.all(servers.map((server) => server.stop()));
    servers = [];
    await proxy?.close();
    proxy = undefined;
  });

  /** Servers on one fresh room, each reaching Redis at its own URL. */
  async function serveRoom(urls: string[], historyLimit?: number): Promise<TestServer[]> {
    const stream = `test:tail:${(rooms += 1)}`;
    const settings = { holdTimeout: HOLD_TIMEOUT_MS };
    servers = await Promise.all(urls.map(async (url) => startTestServer({ room: await RedisRoom.open({ url, stream, historyLimit }), settings })));
    return servers;
  }

  async function postOn(server: TestServer, text: string): Promise<Accepted> {
    const { status, body } = await post(server, 'short-poll', { author: 'ann', text });
    expect(status).toBe(201);
    return body;
  }

  function page(messages: Accepted[], texts: string[], cursor: string) {
    return { messages: messages.map(({ id, ts }, i): Message => ({ id, ts, author: 'ann', text: texts[i] })), cursor };
  }

  it('answers clients far behind, in the middle and at the newest message with exactly what follows each cursor', async () => {
    // history=10 keeps the tail to 10 messages: cursors before the last 10 are answered by Redis.
    const [serverA, serverB] = await serveRoom([redis.url, redis.url], 10);
    const { body: start } = await receive(serverB, 'short-poll');
    const follower = followByPolling(serverB, 'long-poll', start.cursor);
    followers.push(follower);
    const texts = Array.from({ length: 30 }, (_, n) => `m${n}`);
    const sent: Accepted[] = [];
    for (const text of texts) sent.push(await postOn(serverA, text));
    await eventually(() => hasReceived(follower, sent.length), "B's reader has read all 30");

    const newest = sent[sent.length - 1].id;
    const cursors = [start.cursor, ...sent.map((accepted) => accepted.id)];
    for (const [k, cursor] of cursors.entries()) {
      const { status, body } = await receive(serverB, 'short-poll', cursor);
      expect(status).toBe(200);
      expect(body, `after cursor ${k}`).toEqual(page(sent.slice(k), texts.slice(k), newest));
    }
  });

  it("answers a cursor that another server gave out before this server's reader read the message: nothing skipped, nothing twice", async () => {
    proxy = await startReaderDelayProxy(redis.port);
    const [serverA, serverB] = await serveRoom([redis.url, proxy.url]);
    const { body: start } = await receive(serverB, 'short-poll');
    const m0 = await postOn(serverA, 'm0');
    // B's reader has read m0 once a long poll parked on B before it is answered with it.
    expect((await receive(serverB, 'long-poll', start.cursor)).body.messages.map((message) => message.id)).toEqual([m0.id]);

    proxy.hold();
    const m1 = await postOn(serverA, 'm1');
    // A client that got m1 from A asks B, whose reader has not read it: Redis has, and says nothing follows it.
    expect((await receive(serverB, 'short-poll', m1.id)).body).toEqual({ messages: [], cursor: m1.id });
    const waitingAtM1 = receive(serverB, 'long-poll', m1.id);
    await heldBecomes(serverB, 'long-poll', 1);
    // A client at m0: answered by Redis at once, or parked until B's reader reads m1. Either is right if it gets m1, once.
    let m0Answered = false;
    const waitingAtM0 = receive(serverB, 'long-poll', m0.id).finally(() => (m0Answered = true));
    const parked = async () => (await stats(serverB)).strategies['long-poll'].held === 2;
    await eventually(async () => m0Answered || (await parked()), 'the client at m0 is answered or parked');

    proxy.release();
    expect((await waitingAtM0).body).toEqual(page([m1], ['m1'], m1.id));
    // Woken by m1, which it already had: it is not given m1 again.
    expect((await waitingAtM1).body).toEqual({ messages: [], cursor: m1.id });
    const m2 = await postOn(serverA, 'm2');
    expect((await receive(serverB, 'short-poll', m1.id)).body).toEqual(page([m2], ['m2'], m2.id));
  });

  it('forgets the old messages when Redis restarts empty: /api/stats counts none, and old cursors are refused, not answered', async () => {
    const [server] = await serveRoom([redis.url]);
    const [m1, m2, m3] = [await postOn(server, 'm1'), await postOn(server, 'm2'), await postOn(server, 'm3')];
    expect((await receive(server, 'short-poll', m1.id)).body).toEqual(page([m2, m3], ['m2', 'm3'], m3.id));
    expect((await stats(server)).room.messages).toBe(3);

    await redis.restart();
    await eventually(async () => (await stats(server)).room.health?.ok === true, 'the server sees Redis again');
    const countsNone = async () => (await stats(server)).room.messages === 0;
    await eventually(countsNone, '/api/stats counts the messages of the empty stream: none', COUNT_REFRESH_LIMIT_MS);
    for (const cursor of [m1.id, m3.id]) {
      const answer = await getJson<{ error: string }>(messagesUrl(server, 'short-poll', cursor));
      expect(answer.status, `cursor ${cursor}`).toBe(400);
      expect(answer.body.error).toMatch(/ahead of the room/);
    }

    // A client that starts over from the new stream gets only what was posted after the restart.
    const { body: fresh } = await receive(server, 'short-poll');
    expect(fresh.messages).toEqual([]);
    const waiting = receive(server, 'long-poll', fresh.cursor);
    await heldBecomes(server, 'long-poll', 1);
    const n1 = await postOn(server, 'n1');
    expect((await waiting).body).toEqual(page([n1], ['n1'], n1.id));
  });
});
