// What one message costs Redis when many long-poll clients wait for it.
//
// Two servers share one Redis room; 100 long-poll clients wait on each, each
// re-polling with its own cursor as a browser does. Ten messages are posted,
// one at a time, alternately on each server. Redis counts every command it
// runs (CONFIG RESETSTAT before, INFO commandstats after): the cost of a
// message must grow with the number of servers, not with the number of
// clients, since each server answers its clients' re-polls from what its one
// reader has already fetched.

import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisRoom } from '../../room/redis-room.ts';
import { startPrivateRedis, skipRedisSuites, type PrivateRedis } from '../support/redis.ts';
import { eventually, heldBecomes, post, receive, startTestServer, type TestServer } from '../support/server.ts';
import { followByPolling, hasReceived, type Follower } from './followers.ts';

const CLIENTS_PER_SERVER = 100;
const MESSAGES = 10;
/** Two servers: an XADD, and a read or two per server; nothing per client. */
const MAX_COMMANDS_PER_MESSAGE = 20;
/** Longer than the test: every answer a client gets is a message, never a hold timeout. */
const HOLD_TIMEOUT_MS = 120_000;
/** A bound, not a target: 2,000 deliveries on a shared 2-core machine running other suites. */
const TEST_LIMIT_MS = 60_000;
/** Commands the test itself sends to take the measurement. */
const MEASURING_COMMANDS = new Set(['config|resetstat', 'info']);

describe.skipIf(skipRedisSuites)('Redis work per message with many long-poll clients', () => {
  let redis: PrivateRedis;
  let statsConnection: Redis;
  let servers: TestServer[] = [];
  const clients: Follower[] = [];

  beforeAll(async () => {
    redis = await startPrivateRedis();
    statsConnection = new Redis(redis.url);
  });
  afterAll(async () => {
    statsConnection?.disconnect();
    await redis?.stop();
  });
  beforeEach(async () => {
    const settings = { holdTimeout: HOLD_TIMEOUT_MS };
    servers = await Promise.all(
      [0, 1].map(async () => startTestServer({ room: await RedisRoom.open({ url: redis.url, stream: 'test:commands-per-message' }), settings })),
    );
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.stop()));
    await Promise.all(servers.map((server) => server.stop()));
  });

  it(
    `costs at most ${MAX_COMMANDS_PER_MESSAGE} Redis commands per message with ${2 * CLIENTS_PER_SERVER} long-poll clients ` +
      'on two servers, each getting every message once, in order',
    async () => {
      const { body: start } = await receive(servers[0], 'long-poll');
      for (const server of servers) {
        for (let i = 0; i < CLIENTS_PER_SERVER; i += 1) clients.push(followByPolling(server, 'long-poll', start.cursor));
      }
      await everyServerHolds(CLIENTS_PER_SERVER);

      await statsConnection.config('RESETSTAT');
      const sent: string[] = [];
      for (let n = 0; n < MESSAGES; n += 1) {
        const { status, body } = await post(servers[n % 2], 'long-poll', { author: 'ann', text: `message ${n}` });
        expect(status).toBe(201);
        sent.push(body.id);
        await eventually(() => clients.every((client) => hasReceived(client, sent.length)), `every client has message ${n}`, TEST_LIMIT_MS);
        // Every client has asked again with its new cursor and waits: the cost of those re-polls is in the count.
        await everyServerHolds(CLIENTS_PER_SERVER);
      }
      const commands = commandCounts(await statsConnection.info('commandstats'));

      for (const client of clients) expect(client.received.map((message) => message.id)).toEqual(sent);
      const total = [...commands.values()].reduce((sum, calls) => sum + calls, 0);
      const breakdown = [...commands].map(([name, calls]) => `${name} ${calls}`).join(', ');
      expect(total / MESSAGES, `Redis ran ${total} commands for ${MESSAGES} messages: ${breakdown}`).toBeLessThanOrEqual(MAX_COMMANDS_PER_MESSAGE);
    },
    TEST_LIMIT_MS + 10_000,
  );

  function everyServerHolds(count: number): Promise<void[]> {
    return Promise.all(servers.map((server) => heldBecomes(server, 'long-poll', count)));
  }
});

/** Calls per command from INFO commandstats ("cmdstat_xadd:calls=10,usec=..."), leaving out the measurement's own. */
function commandCounts(info: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (!MEASURING_COMMANDS.has(match[1])) counts.set(match[1], Number(match[2]));
  }
  return counts;
}
