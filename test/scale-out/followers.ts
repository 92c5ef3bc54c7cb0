// Clients that follow the room the way each strategy's browser client does,
// in the background, collecting every message they are given, so a test can
// post on one server and watch what arrives on another.

import WebSocket from 'ws';
import type { ServerFrame } from '../../wire/push.ts';
import type { Message, MessagesPage } from '../../wire/types.ts';
import { messagesUrl } from '../support/server.ts';

export interface Follower {
  /** Every message received, in the order it arrived. */
  received: Message[];
  /** Why the follower stopped on its own (an error answer, a dropped connection), if it did. */
  failure?: unknown;
  /** Stop following and close the connection. */
  stop(): Promise<void>;
}

interface Where {
  url: string;
}

/**
 * GET, take the messages, send the cursor back: short-poll, long-poll and
 * long-poll-mtime clients all do this; `pauseMs` is a short-poll client's wait
 * after an empty answer (its poll interval).
 */
export function followByPolling(server: Where, strategy: string, since: string, pauseMs = 0): Follower {
  const follower: Follower = { received: [], stop };
  const received = follower.received;
  const stopping = new AbortController();
  let cursor = since;
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      let page: MessagesPage;
      try {
        const response = await fetch(messagesUrl(server, strategy, cursor), { signal: stopping.signal });
        if (response.status !== 200) throw new Error(`GET answered ${response.status}: ${await response.text()}`);
        page = (await response.json()) as MessagesPage;
      } catch (error) {
        if (!stopping.signal.aborted) follower.failure = error;
        return;
      }
      received.push(...page.messages);
      cursor = page.cursor;
      if (page.messages.length === 0 && pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  })();
  async function stop() {
    stopping.abort();
    await loop;
  }
  return follower;
}

/** For `eventually`: whether the follower has `count` messages; throws at once if it stopped on an error. */
export function hasReceived(follower: Follower, count: number): boolean {
  if (follower.failure) throw new Error(`the follower stopped: ${String(follower.failure)}`);
  return follower.received.length >= count;
}

/** An EventSource, by hand: GET /api/sse/events?since=..., one `data:` JSON message per event. */
export async function followBySse(server: Where, since: string): Promise<Follower> {
  const follower: Follower = { received: [], stop };
  const received = follower.received;
  const stopping = new AbortController();
  const response = await fetch(`${server.url}/api/sse/events?since=${encodeURIComponent(since)}`, { signal: stopping.signal });
  if (response.status !== 200 || !response.body) throw new Error(`the event stream answered ${response.status}`);
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      const reader = response.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) throw new Error('the server ended the event stream');
        buffered += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const message = messageInEvent(buffered.slice(0, end));
          buffered = buffered.slice(end + 2);
          if (message) received.push(message);
        }
      }
    } catch (error) {
      if (!stopping.signal.aborted) follower.failure = error;
    }
  })();
  async function stop() {
    stopping.abort();
    await reading;
  }
  return follower;
}

/** The message an unnamed SSE event carries; undefined for comments (heartbeats) and named events (gap). */
function messageInEvent(event: string): Message | undefined {
  const lines = event.split('\n');
  if (lines.some((line) => line.startsWith('event:'))) return undefined;
  const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice('data:'.length).trimStart());
  return data.length > 0 ? (JSON.parse(data.join('\n')) as Message) : undefined;
}

/** A WebSocket on /api/websocket?since=..., keeping the "message" frames. */
export async function followByWebSocket(server: Where, since: string): Promise<Follower> {
  const received: Message[] = [];
  const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/api/websocket?since=${encodeURIComponent(since)}`);
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as ServerFrame;
    if (frame.type === 'message') received.push(frame.message);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    received,
    async stop() {
      if (socket.readyState === WebSocket.CLOSED) return;
      const closed = new Promise((resolve) => socket.once('close', resolve));
      socket.close();
      await closed;
    },
  };
}
