// Held requests are a resource: --max-held bounds them across all strategies,
// every way a hold ends gives its slot back, and hold timeouts are jittered.

import { afterEach, describe, expect, it } from 'vitest';
import { JITTER, withJitter } from '../../strategies/hold-jitter.ts';
import { MemoryRoom } from '../../room/memory-room.ts';
import { eventually, heldBecomes, post, receive, startTestServer, type TestServer } from '../support/server.ts';
import { openSocket, seededRandom } from './support/raw-http.ts';

describe('the limit on held requests (--max-held)', () => {
  let server: TestServer;
  afterEach(() => server.stop());

  /** Start a long poll, wait until the server holds it, and hand back its pending answer. */
  async function holdOne(strategy: string, cursor: string, heldAfter: number, signal?: AbortSignal) {
    const answer = receive(server, strategy, cursor, signal).catch((error: Error) => error);
    await heldBecomes(server, strategy, heldAfter);
    return { answer };
  }

  it('refuses a waiting request beyond the limit with 503, Retry-After and a JSON error, whatever the strategy', async () => {
    server = await startTestServer({ maxHeld: 3, settings: { holdTimeout: 60_000 } });
    const { body: start } = await receive(server, 'long-poll');
    const { body: mtimeStart } = await receive(server, 'long-poll-mtime');
    const held = [(await holdOne('long-poll', start.cursor, 1)).answer, (await holdOne('long-poll', start.cursor, 2)).answer];
    held.push((await holdOne('long-poll-mtime', mtimeStart.cursor, 1)).answer);

    for (const [strategy, cursor] of [['long-poll', start.cursor], ['long-poll-mtime', mtimeStart.cursor]]) {
      const refused = await receive(server, strategy, cursor);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(refused.headers.get('content-type')).toMatch(/application\/json/);
      expect((refused.body as unknown as { error: string }).error).toMatch(/limit of 3 waiting requests/);
    }
    // What is not held is still served.
    expect((await receive(server, 'short-poll', start.cursor)).status).toBe(200);
    expect((await post(server, 'short-poll', { author: 'ann', text: 'wake up' })).status).toBe(201);
    await Promise.all(held);
  });

  it('gives the slots back when a message answers the held requests', async () => {
    server = await startTestServer({ maxHeld: 2, settings: { holdTimeout: 60_000 } });
    const { body: start } = await receive(server, 'long-poll');
    const held = [(await holdOne('long-poll', start.cursor, 1)).answer, (await holdOne('long-poll', start.cursor, 2)).answer];
    const sent = await post(server, 'long-poll', { author: 'ann', text: 'one' });
    await Promise.all(held);
    const again = [(await holdOne('long-poll', sent.body.id, 1)).answer, (await holdOne('long-poll', sent.body.id, 2)).answer];
    await post(server, 'long-poll', { author: 'ann', text: 'two' });
    await Promise.all(again);
  });

  it('gives the slot back when the hold times out', async () => {
    server = await startTestServer({ maxHeld: 1, settings: { holdTimeout: 200, mtimeHoldTimeout: 200 } });
    const { body: start } = await receive(server, 'long-poll');
    for (const strategy of ['long-poll', 'long-poll-mtime', 'long-poll']) {
      const { status, body } = await receive(server, strategy, strategy === 'long-poll' ? start.cursor : '0');
      expect(status).toBe(200);
      expect(body.messages).toEqual([]);
    }
  });

  it('gives the slot back when the client goes away', async () => {
    server = await startTestServer({ maxHeld: 1, settings: { holdTimeout: 60_000 } });
    const { body: start } = await receive(server, 'long-poll');
    for (const strategy of ['long-poll', 'long-poll-mtime', 'long-poll']) {
      const client = new AbortController();
      const { answer } = await holdOne(strategy, strategy === 'long-poll' ? start.cursor : '0', 1, client.signal);
      client.abort();
      expect(await answer).toBeInstanceOf(Error);
      await heldBecomes(server, strategy, 0);
    }
  });
});

describe('a client that leaves while the room is being read', () => {
  it('is never parked, so its slot is not lost', async () => {
    const room = new SlowReadRoom();
    const server = await startTestServer({ room, maxHeld: 1, settings: { holdTimeout: 60_000 } });
    try {
      const client = await openSocket(server.port);
      client.write('GET /api/long-poll/messages?since=0 HTTP/1.1\r\nHost: x\r\n\r\n');
      await eventually(() => room.readsWaiting() === 1, 'the server is reading the room');
      client.destroy();
      await eventually(async () => (await connectionCount(server)) === 0, 'the server has seen the client go');
      room.finishReads();
      room.slow = false;
      // Had the request been parked after its client left, it would hold the only slot for a minute.
      const waiting = receive(server, 'long-poll', '0');
      await heldBecomes(server, 'long-poll', 1);
      await post(server, 'short-poll', { author: 'ann', text: 'done' });
      expect((await waiting).status).toBe(200);
    } finally {
      room.finishReads();
      await server.stop();
    }
  });
});

function connectionCount(server: TestServer): Promise<number> {
  return new Promise((resolve, reject) => server.server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
}

/** A memory room whose reads wait until the test lets them finish, like a room in a slow remote store. */
class SlowReadRoom extends MemoryRoom {
  slow = true;
  private waiting: (() => void)[] = [];

  override async readAfter(cursor: string | undefined) {
    if (this.slow) await new Promise<void>((resolve) => this.waiting.push(resolve));
    return super.readAfter(cursor);
  }

  readsWaiting(): number {
    return this.waiting.length;
  }

  finishReads(): void {
    for (const finish of this.waiting.splice(0)) finish();
  }
}

describe('hold timeouts', () => {
  it('are spread by up to 10% either way', () => {
    const random = seededRandom(6);
    const holds = Array.from({ length: 1000 }, () => withJitter(10_000, random));
    expect(Math.min(...holds)).toBeGreaterThanOrEqual(10_000 * (1 - JITTER));
    expect(Math.max(...holds)).toBeLessThanOrEqual(10_000 * (1 + JITTER));
    // Spread over the whole band, not bunched in one place.
    expect(Math.max(...holds) - Math.min(...holds)).toBeGreaterThan(10_000 * JITTER * 1.8);
  });

  it.each([
    ['long-poll', 'holdTimeout'],
    ['long-poll-mtime', 'mtimeHoldTimeout'],
  ])('spreads the returns of many %s requests parked together over the jitter band', async (strategy, setting) => {
    // Long enough that the jitter band (±400 ms) dwarfs the delays of a busy machine.
    const holdTimeout = 4000;
    const server = await startTestServer({ settings: { [setting]: holdTimeout } });
    try {
      const { body: start } = await receive(server, strategy);
      const cursor = strategy === 'long-poll' ? start.cursor : '99999999999999';
      const askedAt = Date.now();
      const returns = await Promise.all(Array.from({ length: 30 }, () => receive(server, strategy, cursor).then(() => Date.now() - askedAt)));
      // Without jitter the 30 holds end together (within a sweep or a check); with it they spread over the
      // ±10% band. The spread, unlike the absolute times, does not move when a busy machine delays them all.
      const spread = Math.max(...returns) - Math.min(...returns);
      expect(spread).toBeGreaterThan(holdTimeout * JITTER);
      expect(Math.min(...returns)).toBeGreaterThanOrEqual(holdTimeout * (1 - JITTER) - 5);
    } finally {
      await server.stop();
    }
  });
});
