// The contract every strategy keeps, written once and run against each
// strategy of the registry: a new strategy is held to it the day it is registered.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { strategies } from '../strategies/registry.ts';
import type { MessagesPage } from '../wire/types.ts';
import { eventually, getJson, heldBecomes, messagesUrl, post, receive, startTestServer, stats, type TestServer } from './support/server.ts';

const contenders = strategies.map(({ name, delivery }) => ({
  strategy: name,
  // Whether a GET with an up-to-date cursor is held until something happens. The push strategies
  // deliver over their own stream or socket (test/push/); their GET /messages is the plain catch-up
  // read a client makes before it connects, so it answers at once like short-poll.
  holds: delivery === 'held-poll',
}));

describe.each(contenders)('the $strategy strategy', ({ strategy, holds }) => {
  let server: TestServer;
  beforeEach(async () => {
    // Holds far longer than any test waits, so only the behaviour under test can end them.
    server = await startTestServer({ settings: { holdTimeout: 120_000 } });
  });
  afterEach(() => server.stop());

  it('answers a POST with 201, the new id and the time the server accepted it', async () => {
    const before = Date.now();
    const { status, body } = await post(server, strategy, { author: 'ann', text: 'hello' });
    expect(status).toBe(201);
    expect(typeof body.id).toBe('string');
    expect(body.ts).toBeGreaterThanOrEqual(before);
    expect(body.ts).toBeLessThanOrEqual(Date.now());
  });

  it('answers a GET without a cursor at once, ending with the latest message', async () => {
    await post(server, strategy, { author: 'ann', text: 'first' });
    const latest = await post(server, strategy, { author: 'bob', text: 'second' });
    const { status, body } = await receive(server, strategy);
    expect(status).toBe(200);
    expect(typeof body.cursor).toBe('string');
    expect(body.messages.at(-1)).toEqual({ id: latest.body.id, author: 'bob', text: 'second', ts: latest.body.ts });
  });

  it('delivers a message posted by one client to another that asks with its cursor', async () => {
    const { body: start } = await receive(server, strategy);
    const sent = await post(server, strategy, { author: 'ann', text: 'is anyone there?' });
    const { status, body } = await receive(server, strategy, start.cursor);
    expect(status).toBe(200);
    expect(body.messages).toEqual([{ id: sent.body.id, author: 'ann', text: 'is anyone there?', ts: sent.body.ts }]);
    expect(body.cursor).not.toBe(start.cursor);
  });

  it('delivers a message posted through another strategy: there is one room', async () => {
    const { body: start } = await receive(server, strategy);
    const other = strategy === 'short-poll' ? 'long-poll' : 'short-poll';
    await post(server, other, { author: 'cy', text: 'from next door' });
    const { body } = await receive(server, strategy, start.cursor);
    expect(body.messages.map((message) => message.text)).toEqual(['from next door']);
  });

  it('refuses a malformed cursor with 400 and a JSON error', async () => {
    const { status, body } = await getJson<{ error: string }>(messagesUrl(server, strategy, 'not-a-cursor'));
    expect(status).toBe(400);
    expect(body.error).toMatch(/cursor/);
  });

  it.each([
    ['bad JSON', '{"author": "ann",', 400, /JSON/],
    ['a JSON array', '[1, 2]', 400, /object/],
    ['no author', '{"text": "hi"}', 400, /"author" is missing/],
    ['an empty text', '{"author": "ann", "text": "   "}', 400, /"text" must not be empty/],
    ['a number as text', '{"author": "ann", "text": 42}', 400, /"text" must be a string/],
    ['a text over 2000 characters', JSON.stringify({ author: 'ann', text: 'x'.repeat(2001) }), 400, /"text" is 2001 characters/],
    ['a body over the size limit', JSON.stringify({ author: 'ann', text: 'x'.repeat(20_000) }), 413, /larger than the limit/],
  ])('refuses a POST with %s (%i) and stores nothing', async (_what, body, status, error) => {
    const { body: before } = await receive(server, 'short-poll');
    const answer = await getJson<{ error: string }>(messagesUrl(server, strategy), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    expect(answer.status).toBe(status);
    expect(answer.body.error).toMatch(error);
    expect((await receive(server, 'short-poll', before.cursor)).body.messages).toEqual([]);
  });

  it('refuses a POST that is not JSON with 415', async () => {
    const answer = await getJson<{ error: string }>(messagesUrl(server, strategy), { method: 'POST', body: 'msg=hi' });
    expect(answer.status).toBe(415);
    expect(answer.body.error).toMatch(/application\/json/);
  });

  it('refuses other methods with 405 and says which are allowed', async () => {
    const answer = await getJson<{ error: string }>(messagesUrl(server, strategy), { method: 'DELETE' });
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('GET, POST');
    expect(answer.body.error).toMatch(/DELETE/);
  });

  it('counts the requests it served in /api/stats', async () => {
    await receive(server, strategy);
    await post(server, strategy, { author: 'ann', text: 'count me' });
    await eventually(async () => (await stats(server)).strategies[strategy].requestsServed === 2, 'both requests are counted');
  });

  if (!holds) {
    it('answers at once with no messages when the cursor is up to date', async () => {
      await post(server, strategy, { author: 'ann', text: 'old news' });
      const { body: start } = await receive(server, strategy);
      const { status, body } = await receive(server, strategy, start.cursor);
      expect(status).toBe(200);
      expect(body).toEqual({ messages: [], cursor: start.cursor });
      expect((await stats(server)).strategies[strategy].held).toBe(0);
    });
    return;
  }

  it('holds a GET whose cursor is up to date, and answers it when a message arrives', async () => {
    const { body: start } = await receive(server, strategy);
    const waiting = receive(server, strategy, start.cursor);
    await heldBecomes(server, strategy, 1);
    await post(server, 'short-poll', { author: 'ann', text: 'wake up' });
    const { body } = await waiting;
    expect(body.messages.map((message) => message.text)).toEqual(['wake up']);
    await heldBecomes(server, strategy, 0);
  });

  it('releases held requests whose clients went away', async () => {
    const { body: start } = await receive(server, strategy);
    const clients = Array.from({ length: 5 }, () => new AbortController());
    const requests = clients.map((client) => receive(server, strategy, start.cursor, client.signal).catch((error) => error));
    await heldBecomes(server, strategy, 5);
    for (const client of clients) client.abort();
    await Promise.all(requests);
    await heldBecomes(server, strategy, 0);
  });

  it('answers held requests when the server stops', async () => {
    const { body: start } = await receive(server, strategy);
    const waiting = receive(server, strategy, start.cursor);
    await heldBecomes(server, strategy, 1);
    await server.stop();
    const { status, body } = await waiting;
    expect(status).toBe(200);
    expect(body).toEqual<MessagesPage>({ messages: [], cursor: start.cursor });
  });
});
