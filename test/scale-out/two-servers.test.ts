// Two servers, one room: each server has its own Redis room on the same
// stream, as two processes behind a load balancer would. Whatever is posted
// on one reaches the clients of the other, once, in order, through every
// strategy; and a cursor from one server is good on the other.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openRoom } from '../../room/open-room.ts';
import { compareStreamIds, parseStreamId } from '../../room/redis-stream-entry.ts';
import type { Accepted, Message } from '../../wire/types.ts';
import { startPrivateRedis, skipRedisSuites, type PrivateRedis } from '../support/redis.ts';
import { eventually, post, receive, startTestServer, type TestServer } from '../support/server.ts';
import { followByPolling, followBySse, followByWebSocket, hasReceived, type Follower } from './followers.ts';

/** Wait after an empty answer, as a short-poll client does (its poll interval, shortened for tests). */
const SHORT_POLL_PAUSE_MS = 20;
/** A bound, not a target: 1,000 messages to 10 clients, on a shared 2-core machine running other suites. */
const LOAD_LIMIT_MS = 60_000;

describe.skipIf(skipRedisSuites)('two servers sharing one Redis room', () => {
  let redis: PrivateRedis;
  let serverA: TestServer;
  let serverB: TestServer;
  const followers: Follower[] = [];

  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(() => redis?.stop());

  beforeEach(async () => {
    const roomUrl = redis.roomUrl('two-servers');
    // Millisecond mtimes so the mtime strategy is not also fighting its whole-second cursor here.
    const settings = { holdTimeout: 120_000, mtimeResolutionMs: 1 };
    [serverA, serverB] = await Promise.all([
      openRoom(roomUrl).then((room) => startTestServer({ room, settings })),
      openRoom(roomUrl).then((room) => startTestServer({ room, settings })),
    ]);
  });
  afterEach(async () => {
    await Promise.all(followers.splice(0).map((follower) => follower.stop()));
    await Promise.all([serverA?.stop(), serverB?.stop()]);
  });

  function follow(follower: Follower): Follower {
    followers.push(follower);
    return follower;
  }

  /** Post three messages on B, one at a time, each once the follower on A has the one before. */
  async function postThreeOnBAndWatch(follower: Follower): Promise<Accepted[]> {
    const accepted: Accepted[] = [];
    for (const text of ['one', 'two', 'three']) {
      const { status, body } = await post(serverB, 'short-poll', { author: 'bea', text });
      expect(status).toBe(201);
      accepted.push(body);
      await eventually(() => hasReceived(follower, accepted.length), `the client on A has "${text}"`);
    }
    return accepted;
  }

  function expectExactly(received: Message[], accepted: Accepted[]): void {
    expect(received.map(({ id, text }) => ({ id, text }))).toEqual(
      accepted.map(({ id }, i) => ({ id, text: ['one', 'two', 'three'][i] })),
    );
  }

  it.each([['short-poll'], ['long-poll']])('a %s client on A receives what is posted on B, once each, in order', async (strategy) => {
    const { body: start } = await receive(serverB, strategy);
    const follower = follow(followByPolling(serverA, strategy, start.cursor, SHORT_POLL_PAUSE_MS));
    expectExactly(follower.received, await postThreeOnBAndWatch(follower));
  });

  it('a long-poll-mtime client on A receives what is posted on B, once each, in order, from A\'s own data file', async () => {
    // The mtime cursor is A's file time, not a room cursor: it must come from A.
    const { body: start } = await receive(serverA, 'long-poll-mtime');
    const follower = follow(followByPolling(serverA, 'long-poll-mtime', start.cursor));
    expectExactly(follower.received, await postThreeOnBAndWatch(follower));
  });

  it('an SSE client on A receives what is posted on B, once each, in order', async () => {
    const { body: start } = await receive(serverB, 'short-poll');
    const follower = follow(await followBySse(serverA, start.cursor));
    expectExactly(follower.received, await postThreeOnBAndWatch(follower));
  });

  it('a WebSocket client on A receives what is posted on B, once each, in order', async () => {
    const { body: start } = await receive(serverB, 'short-poll');
    const follower = follow(await followByWebSocket(serverA, start.cursor));
    expectExactly(follower.received, await postThreeOnBAndWatch(follower));
  });

  it('answers a cursor given out by B on A with exactly the messages missed since', async () => {
    await post(serverA, 'short-poll', { author: 'ann', text: 'before' });
    const { body: fromB } = await receive(serverB, 'short-poll');
    const missed = [];
    for (const [server, text] of [[serverA, 'a1'], [serverB, 'b1'], [serverA, 'a2']] as const) {
      missed.push((await post(server, 'short-poll', { author: 'ann', text })).body.id);
    }
    const { body } = await receive(serverA, 'long-poll', fromB.cursor);
    expect(body.messages.map((message) => message.id)).toEqual(missed);
    expect(body.messages.map((message) => message.text)).toEqual(['a1', 'b1', 'a2']);
  });

  it('delivers 1,000 messages from concurrent posters on both servers to 10 clients on both, exactly once, in order', async () => {
    const POSTERS_PER_SERVER = 5;
    const MESSAGES_PER_POSTER = 100;
    const total = 2 * POSTERS_PER_SERVER * MESSAGES_PER_POSTER;
    const { body: start } = await receive(serverA, 'short-poll');
    // Clients 0-4 on A, 5-9 on B; long-poll and short-poll alternate.
    const clients = Array.from({ length: 10 }, (_, i) => {
      const server = i < 5 ? serverA : serverB;
      const strategy = i % 2 === 0 ? 'long-poll' : 'short-poll';
      return follow(followByPolling(server, strategy, start.cursor, SHORT_POLL_PAUSE_MS));
    });

    const posters = [serverA, serverB].flatMap((server, s) =>
      Array.from({ length: POSTERS_PER_SERVER }, async (_, p) => {
        const ids: string[] = [];
        for (let n = 0; n < MESSAGES_PER_POSTER; n += 1) {
          const { status, body } = await post(server, 'short-poll', { author: `poster-${s}-${p}`, text: String(n) });
          expect(status).toBe(201);
          ids.push(body.id);
        }
        return ids;
      }),
    );
    const idsByPoster = await Promise.all(posters);
    await eventually(() => clients.every((client) => hasReceived(client, total)), `all 10 clients have ${total} messages`, LOAD_LIMIT_MS);

    const roomOrder = clients[0].received.map((message) => message.id);
    expect(roomOrder).toHaveLength(total);
    expect(new Set(roomOrder).size).toBe(total);
    expect(new Set(roomOrder)).toEqual(new Set(idsByPoster.flat()));
    expect(roomOrder).toEqual([...roomOrder].sort((a, b) => compareStreamIds(parseStreamId(a)!, parseStreamId(b)!)));
    // Every client saw the same sequence: the room's order, nothing twice, nothing missing.
    for (const client of clients) expect(client.received.map((message) => message.id)).toEqual(roomOrder);
    // Each poster's messages appear in the order that poster sent them.
    for (const ids of idsByPoster) {
      const positions = ids.map((id) => roomOrder.indexOf(id));
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    }
  }, LOAD_LIMIT_MS + 10_000);
});
