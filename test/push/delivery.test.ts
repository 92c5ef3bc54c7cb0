// What both push strategies promise, written once and run against each:
// every message once, in order, none lost (not even while connecting or
// after a dropped connection), and nothing held once the client has gone.

import { afterEach, describe, expect, it } from 'vitest';
import { strategies } from '../../strategies/registry.ts';
import type { Message } from '../../wire/types.ts';
import { eventually, heldBecomes, post, receive, startTestServer, type TestServer } from '../support/server.ts';
import { EventStreamReader, eventsUrl } from './event-stream.ts';
import { GatedRoom } from './gated-room.ts';
import { SocketClient, socketUrl } from './socket-client.ts';

/** One client connection of a push strategy, as these tests see it. */
interface Subscription {
  /** Resolves once the server accepted the connection. */
  opened: Promise<unknown>;
  /** Resolves with the HTTP status the server answered the connection with (101 for an accepted WebSocket), and its Retry-After. */
  answer: Promise<{ status: number; retryAfter: unknown }>;
  messages(): Message[];
  /** How many times the server said messages were lost to the history limit. */
  gaps(): number;
  /** Drop the connection, as a network failure would. */
  drop(): Promise<unknown>;
  /** Resolves, once the connection has ended, with how it ended. */
  ended: Promise<string>;
  /** Connect again from where this connection left off, as its client would. */
  resume(): Subscription;
}

function sseSubscription(server: TestServer, since?: string, lastEventId?: string): Subscription {
  const reader = new EventStreamReader(eventsUrl(server, since), lastEventId ? { 'Last-Event-ID': lastEventId } : {});
  return {
    opened: reader.opened,
    answer: reader.opened.then(() => ({ status: reader.status, retryAfter: reader.headers['retry-after'] })),
    messages: () => reader.messages(),
    gaps: () => reader.events.filter((event) => event.event === 'gap').length,
    drop: () => reader.close(),
    ended: reader.ended,
    // What EventSource does: the same URL, with the last id it saw in Last-Event-ID.
    resume: () => sseSubscription(server, since, reader.lastEventId),
  };
}

function socketSubscription(server: TestServer, since?: string): Subscription {
  const client = new SocketClient(socketUrl(server, since));
  return {
    opened: client.opened,
    answer: client.opened.then(
      () => ({ status: 101, retryAfter: undefined }),
      () => ({ status: client.refusedWith ?? 0, retryAfter: client.refusedHeaders['retry-after'] }),
    ),
    messages: () => client.messages(),
    gaps: () => client.framesOfType('gap').length,
    drop: () => client.drop(),
    ended: client.closed.then((code) => `close ${code}`),
    // What the browser transport does: reconnect with ?since= the id of the last message it got.
    resume: () => socketSubscription(server, client.messages().at(-1)?.id ?? since),
  };
}

/** How this suite follows each push strategy; a push strategy registered without one fails the suite. */
const followers: Record<string, { subscribe: typeof sseSubscription; properEnd: string }> = {
  // A properly ended stream ends with the last chunk; a cut one just stops.
  sse: { subscribe: sseSubscription, properEnd: 'end of stream' },
  // 1001: "going away", the server is shutting down; 1006 would mean the socket was cut.
  websocket: { subscribe: socketSubscription, properEnd: 'close 1001' },
};

const pushStrategies = strategies
  .filter((strategy) => strategy.delivery === 'push')
  .map(({ name }) => ({ strategy: name, ...followers[name] }));

it('knows how to follow every push strategy in the registry', () => {
  expect(pushStrategies.map(({ strategy, subscribe }) => [strategy, typeof subscribe])).toEqual(
    pushStrategies.map(({ strategy }) => [strategy, 'function']),
  );
});

describe.each(pushStrategies)('the $strategy strategy', ({ strategy, subscribe, properEnd }) => {
  let server: TestServer;
  afterEach(() => server.stop());

  function idsOf(subscription: Subscription): number[] {
    return subscription.messages().map((message) => Number(message.id));
  }

  it('starts a client without a cursor with the recent history', async () => {
    server = await startTestServer();
    await post(server, 'short-poll', { author: 'ann', text: 'before you came' });
    const subscription = subscribe(server);
    await eventually(() => subscription.messages().length === 1, 'the history arrives');
    expect(subscription.messages()[0]).toMatchObject({ author: 'ann', text: 'before you came' });
  });

  it('delivers 200 concurrent posts to five clients, once each and in id order, even those connecting meanwhile', async () => {
    server = await startTestServer();
    const { body: start } = await receive(server, 'short-poll');
    const early = subscribe(server, start.cursor);
    await early.opened;
    const posts: Promise<Awaited<ReturnType<typeof post>>>[] = [];
    const subscriptions = [early];
    for (let i = 0; i < 200; i += 1) {
      posts.push(post(server, i % 2 ? strategy : 'long-poll', { author: `poster${i % 7}`, text: `message ${i}` }));
      // Four more clients connect from the same cursor while posts are landing.
      if (i % 50 === 25) subscriptions.push(subscribe(server, start.cursor));
    }
    const accepted = (await Promise.all(posts)).map(({ body }) => Number(body.id)).sort((a, b) => a - b);
    for (const subscription of subscriptions) {
      await eventually(() => subscription.messages().length >= 200, 'every client has 200 messages');
      expect(idsOf(subscription)).toEqual(accepted); // all of them, each once, in id order
    }
  });

  it('delivers a message posted while a client is connecting, exactly once', async () => {
    const room = new GatedRoom();
    server = await startTestServer({ room });
    const { body: start } = await receive(server, 'short-poll');
    room.closeGate();
    const subscription = subscribe(server, start.cursor);
    // The server has read the room for this client, but has not yet had the answer...
    await eventually(() => room.readsWaiting === 1, "the client's first read is in flight");
    // ...when a message arrives: the read it is waiting for does not show it.
    const sent = await post(server, strategy, { author: 'ann', text: 'just in time' });
    room.openGate();
    await subscription.opened;
    await eventually(() => subscription.messages().length > 0, 'the message arrives');
    await post(server, strategy, { author: 'bob', text: 'the next one' }); // then nothing more can come late
    await eventually(() => subscription.messages().length >= 2, 'the next message arrives');
    expect(subscription.messages().map((message) => message.id)).toEqual([sent.body.id, String(Number(sent.body.id) + 1)]);
  });

  it('after a dropped connection, resumes with exactly the messages it missed', async () => {
    server = await startTestServer();
    const { body: start } = await receive(server, 'short-poll');
    const first = subscribe(server, start.cursor);
    await first.opened;
    for (const text of ['one', 'two']) await post(server, strategy, { author: 'ann', text });
    await eventually(() => first.messages().length === 2, 'the first two messages arrive');
    await first.drop();
    await heldBecomes(server, strategy, 0);

    const missed = [];
    for (const text of ['three', 'four', 'five']) missed.push((await post(server, 'short-poll', { author: 'bob', text })).body.id);
    const second = first.resume();
    await second.opened;
    await eventually(() => second.messages().length === 3, 'the three missed messages arrive');
    const live = await post(server, strategy, { author: 'cy', text: 'six' });
    await eventually(() => second.messages().length === 4, 'the next live message arrives');
    expect(second.messages().map((message) => message.id)).toEqual([...missed, live.body.id]);
  });

  it('tells a client resuming from before the kept history that messages were lost, then sends the rest', async () => {
    server = await startTestServer({ historyLimit: 3 });
    const { body: start } = await receive(server, 'short-poll');
    const sent = [];
    for (let i = 1; i <= 5; i += 1) sent.push((await post(server, 'short-poll', { author: 'ann', text: `message ${i}` })).body.id);
    const subscription = subscribe(server, start.cursor);
    await eventually(() => subscription.messages().length === 3, 'the kept messages arrive');
    expect(subscription.gaps()).toBe(1);
    expect(subscription.messages().map((message) => message.id)).toEqual(sent.slice(2));
  });

  it('counts open connections as held, and releases those whose clients went away', async () => {
    server = await startTestServer();
    const subscriptions = Array.from({ length: 5 }, () => subscribe(server));
    await Promise.all(subscriptions.map((subscription) => subscription.opened));
    await heldBecomes(server, strategy, 5);
    await Promise.all(subscriptions.map((subscription) => subscription.drop()));
    await heldBecomes(server, strategy, 0);
    // Nothing stale is left to write to: the room and the strategy go on working.
    const after = subscribe(server);
    await after.opened;
    await post(server, strategy, { author: 'ann', text: 'still here' });
    await eventually(() => after.messages().some((message) => message.text === 'still here'), 'a new client still gets messages');
  });

  it('refuses a connection beyond --max-held with 503 and Retry-After, and takes one again once a client leaves', async () => {
    server = await startTestServer({ maxHeld: 2 });
    const admitted = [subscribe(server), subscribe(server)];
    expect((await Promise.all(admitted.map((subscription) => subscription.answer))).map(({ status }) => status)).toEqual(
      strategy === 'sse' ? [200, 200] : [101, 101],
    );
    const refused = await subscribe(server).answer;
    expect(refused.status).toBe(503);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    await admitted[0].drop();
    await heldBecomes(server, strategy, 1);
    await eventually(async () => (await subscribe(server).answer).status !== 503, 'a freed slot admits a new client');
  });

  it('ends every connection properly when the server stops, so clients reconnect', async () => {
    server = await startTestServer();
    const subscriptions = Array.from({ length: 3 }, () => subscribe(server));
    await Promise.all(subscriptions.map((subscription) => subscription.opened));
    await heldBecomes(server, strategy, 3);
    await server.stop();
    expect(await Promise.all(subscriptions.map((subscription) => subscription.ended))).toEqual([properEnd, properEnd, properEnd]);
  });
});
