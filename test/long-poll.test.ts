import { afterEach, describe, expect, it } from 'vitest';
import { JITTER } from '../strategies/hold-jitter.ts';
import { collect, heldBecomes, post, receive, startTestServer, stats, type TestServer } from './support/server.ts';

describe('the long-poll strategy', () => {
  let server: TestServer;
  afterEach(() => server.stop());

  it('answers with no messages and the same cursor when the hold times out', async () => {
    const holdTimeout = 300;
    server = await startTestServer({ settings: { holdTimeout } });
    const { body: start } = await receive(server, 'long-poll');
    const askedAt = Date.now();
    const { status, body } = await receive(server, 'long-poll', start.cursor);
    expect(status).toBe(200);
    expect(body).toEqual({ messages: [], cursor: start.cursor });
    // Holds are jittered by up to 10% either way (see hold-jitter.ts).
    expect(Date.now() - askedAt).toBeGreaterThanOrEqual(holdTimeout * (1 - JITTER) - 5);
  });

  it('is woken by a post long before its hold timeout', async () => {
    const holdTimeout = 20_000;
    server = await startTestServer({ settings: { holdTimeout } });
    const { body: start } = await receive(server, 'long-poll');
    const askedAt = Date.now();
    const waiting = receive(server, 'long-poll', start.cursor);
    await heldBecomes(server, 'long-poll', 1);
    await post(server, 'long-poll', { author: 'ann', text: 'now' });
    expect((await waiting).body.messages).toHaveLength(1);
    expect(Date.now() - askedAt).toBeLessThan(holdTimeout);
  });

  it('wakes 50 parked clients with one post, each getting the message once', async () => {
    server = await startTestServer();
    const { body: start } = await receive(server, 'long-poll');
    const clients = Array.from({ length: 50 }, () => receive(server, 'long-poll', start.cursor));
    await heldBecomes(server, 'long-poll', 50);
    const sent = await post(server, 'long-poll', { author: 'ann', text: 'to all of you' });
    for (const { status, body } of await Promise.all(clients)) {
      expect(status).toBe(200);
      expect(body.messages.map((message) => message.id)).toEqual([sent.body.id]);
      expect(body.cursor).toBe(sent.body.id);
    }
    expect((await stats(server)).strategies['long-poll'].held).toBe(0);
  });

  it('wakes 240 parked clients, more than two slices of answers, after 10 others left and gave their slots back', async () => {
    server = await startTestServer();
    const { body: start } = await receive(server, 'long-poll');
    const leavers = Array.from({ length: 10 }, () => new AbortController());
    const leaving = leavers.map((leaver) => receive(server, 'long-poll', start.cursor, leaver.signal).catch((error: Error) => error.name));
    const stayers = Array.from({ length: 240 }, () => receive(server, 'long-poll', start.cursor));
    await heldBecomes(server, 'long-poll', 250);
    for (const leaver of leavers) leaver.abort();
    await heldBecomes(server, 'long-poll', 240);
    // Multi-byte text: each answer's Content-Length must count bytes, not characters.
    const sent = await post(server, 'long-poll', { author: '小明', text: '大家好，长轮询！' });
    for (const { status, body } of await Promise.all(stayers)) {
      expect(status).toBe(200);
      expect(body.messages.map((message) => [message.id, message.text])).toEqual([[sent.body.id, '大家好，长轮询！']]);
      expect(body.cursor).toBe(sent.body.id);
    }
    expect(await Promise.all(leaving)).toEqual(leavers.map(() => 'AbortError'));
    expect((await stats(server)).strategies['long-poll'].held).toBe(0);
  });

  it('delivers 200 concurrent posts to a long-poll and a short-poll subscriber, once each and in id order', async () => {
    server = await startTestServer();
    const { body: start } = await receive(server, 'long-poll');
    const longPollSubscriber = collect(server, 'long-poll', start.cursor, 200);
    const shortPollSubscriber = collect(server, 'short-poll', start.cursor, 200);
    const posts = await Promise.all(
      Array.from({ length: 200 }, (_, i) => post(server, i % 2 ? 'long-poll' : 'short-poll', { author: `poster${i % 7}`, text: `message ${i}` })),
    );
    expect(posts.every(({ status }) => status === 201)).toBe(true);
    const acceptedIds = posts.map(({ body }) => Number(body.id)).sort((a, b) => a - b);

    for (const received of [await longPollSubscriber, await shortPollSubscriber]) {
      const ids = received.map((message) => Number(message.id));
      expect(ids).toEqual(acceptedIds); // all of them, each once, in id order
      expect(new Set(received.map((message) => message.text)).size).toBe(200);
    }
  });

  it('refuses a cursor ahead of the room', async () => {
    server = await startTestServer();
    const { status, body } = await receive(server, 'long-poll', '99');
    expect(status).toBe(400);
    expect((body as unknown as { error: string }).error).toMatch(/ahead of the room/);
  });
});
