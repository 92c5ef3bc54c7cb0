// Nothing accepted is lost: 20 subscribers follow the room while 10 posters
// send 1,000 messages at once; every subscriber receives every message
// exactly once, in id order, even though each keeps dropping its connection
// mid-request and reconnecting with the cursor it had.
//
// Every strategy that promises this joins by adding a follower below; the
// document's long-poll-mtime is left out on purpose: losing messages is its lesson.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message, MessagesPage } from '../../wire/types.ts';
import { messagesUrl, post, receive, startTestServer, type TestServer } from '../support/server.ts';
import { seededRandom } from './support/raw-http.ts';

const SUBSCRIBERS = 20;
const POSTERS = 10;
const MESSAGES = 1000;
/** A subscriber drops its connection on about this share of its requests. */
const DROP_RATE = 0.15;

type Random = () => number;

interface Follower {
  strategy: string;
  /** Receive everything after `cursor` until `count` messages arrived, as this strategy's client would, dropping the connection now and then. */
  follow(server: TestServer, cursor: string, count: number, random: Random): Promise<Message[]>;
}

const followers: Follower[] = [
  { strategy: 'short-poll', follow: (server, cursor, count, random) => poll(server, 'short-poll', cursor, count, random, 100) },
  { strategy: 'long-poll', follow: (server, cursor, count, random) => poll(server, 'long-poll', cursor, count, random, 0) },
];

describe.each(followers)('nothing is lost with $strategy', ({ strategy, follow }) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ settings: { holdTimeout: 2000 } });
  });
  afterEach(() => server.stop());

  it(`delivers ${MESSAGES} messages from ${POSTERS} posters to ${SUBSCRIBERS} reconnecting subscribers, each once and in id order`, async () => {
    const { body: start } = await receive(server, strategy);
    const subscribers = Array.from({ length: SUBSCRIBERS }, (_, i) => follow(server, start.cursor, MESSAGES, seededRandom(i + 1)));

    let next = 0;
    const acceptedIds: number[] = [];
    const poster = async (which: number) => {
      while (next < MESSAGES) {
        const text = `message ${next++}`;
        const { status, body } = await post(server, strategy, { author: `poster${which}`, text });
        expect(status).toBe(201);
        acceptedIds.push(Number(body.id));
      }
    };
    await Promise.all(Array.from({ length: POSTERS }, (_, which) => poster(which)));
    acceptedIds.sort((a, b) => a - b);

    for (const received of await Promise.all(subscribers)) {
      expect(received.map((message) => Number(message.id))).toEqual(acceptedIds);
    }
  }, 120_000);
});

/**
 * The polling client: ask with the cursor, keep what came, ask again with the
 * new cursor. A dropped request is simply asked again with the same cursor.
 */
async function poll(server: TestServer, strategy: string, cursor: string, count: number, random: Random, waitWhenEmptyMs: number) {
  const received: Message[] = [];
  while (received.length < count) {
    const client = new AbortController();
    // Drop the connection at a random moment: while the request is held, or as the answer arrives.
    if (random() < DROP_RATE) setTimeout(() => client.abort(), random() * 20);
    let page: MessagesPage;
    try {
      const response = await fetch(messagesUrl(server, strategy, cursor), { signal: client.signal });
      if (response.status !== 200) throw new Error(`GET answered ${response.status}: ${await response.text()}`);
      page = (await response.json()) as MessagesPage;
    } catch (error) {
      if (client.signal.aborted) continue; // reconnect with the cursor we had
      throw error;
    }
    if (page.gap) throw new Error(`the server reported a gap after cursor ${cursor}`);
    received.push(...page.messages);
    cursor = page.cursor;
    if (page.messages.length === 0 && waitWhenEmptyMs > 0) await new Promise((resolve) => setTimeout(resolve, waitWhenEmptyMs));
  }
  return received;
}
