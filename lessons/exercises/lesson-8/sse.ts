// YOUR COPY of the Server-Sent Events strategy, for the exercise of lesson 8.
//
// It streams each message as an event, as strategies/sse.ts does, but a
// stream that drops cannot resume: its events carry no id, so the browser
// has nothing to send back as Last-Event-ID, and the server would not read
// it anyway. The browser's EventSource does not tell the server when to come
// back either, and a stream that ends never gives its held slot back.
//
// The exercise (lessons/exercises/lesson-8/problem.md):
//   TODO 1. resumeCursor(): start after Last-Event-ID when the browser sends
//           one; else after ?since=; else with the recent history.
//   TODO 2. open(): take a slot of the held budget for the stream, and when
//           the stream closes, however it closes, give it back and stop following it.
//   TODO 3. open(): begin the stream with a `retry:` line, and with an event
//           holding only an id when the first read brought no message.
//   TODO 4. eventsFor(): an `id:` line before each message's `data:` line,
//           and first a `gap` event when messages after the cursor are gone.
// Write them before you read the body of strategies/sse.ts: it is the answer.
//
// Check your work with:    npm run lesson -- verify 8
// Try it in the chat with:  npm run lesson -- 8 --exercise

import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from '../../../http/http-error.ts';
import { replyJson } from '../../../http/reply.ts';
import type { Room } from '../../../room/room.ts';
import { withJitter } from '../../../strategies/hold-jitter.ts';
import { RoomFollowers, type FirstRead } from '../../../strategies/room-followers.ts';
import type { HeldBudget, Strategy, StrategyContext, StrategyServer } from '../../../strategies/strategy.ts';
import { SSE_GAP_EVENT } from '../../../wire/push.ts';
import type { Draft, Message, MessagesPage } from '../../../wire/types.ts';

/** What the stream tells EventSource to wait before it reconnects (the `retry:` field). */
const RECONNECT_DELAY_MS = 2000;
/** Bytes a stream may have waiting to be sent before its client counts as too slow and is dropped. */
const MAX_UNSENT_BYTES = 1024 * 1024;

const EVENT_STREAM_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Accel-Buffering': 'no', // nginx and its kind would otherwise buffer the stream
  'Content-Encoding': 'identity', // a compressor would hold bytes back
} as const;

/** A comment line: EventSource ignores it, but it keeps idle-closing proxies away. */
const HEARTBEAT = Buffer.from(': heartbeat\n\n');

export const sse: Strategy = {
  name: 'sse',
  delivery: 'push',
  summary: 'Your copy of the Server-Sent Events strategy (lesson 8).',
  options: [{ flag: 'sse-heartbeat', describe: 'Milliseconds between the heartbeat comments written to every SSE stream', default: 15_000, min: 10 }],
  start: (context) => new EventStreams(context),
};

/** The settings this copy reads, by name: a misspelt one is a type error, not undefined. */
interface SseSettings {
  /** --sse-heartbeat: milliseconds between two heartbeat comments. */
  heartbeatMs: number;
}

class EventStreams implements StrategyServer {
  readonly clientSettings: Record<string, number>;
  readonly routes = { events: (request: IncomingMessage, response: ServerResponse, query: URLSearchParams) => this.open(request, response, query) };
  private readonly settings: SseSettings;
  private readonly room: Room;
  private readonly heldBudget: HeldBudget;
  /** Every open stream and its place in the room (strategies/room-followers.ts). */
  private readonly streams: RoomFollowers<ServerResponse>;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor({ room, settings, heldBudget }: StrategyContext) {
    this.settings = { heartbeatMs: settings.sseHeartbeat };
    this.clientSettings = { heartbeatMs: this.settings.heartbeatMs, retryMs: RECONNECT_DELAY_MS };
    this.room = room;
    this.heldBudget = heldBudget;
    this.streams = new RoomFollowers<ServerResponse>(
      room,
      (responses, page) => writeToAll(responses, eventsFor(page)),
      (responses) => responses.forEach((response) => response.end()), // the room failed: end the streams, they resume
    );
  }

  /** GET /api/sse/events: open a stream, starting where resumeCursor() says. */
  private async open(request: IncomingMessage, response: ServerResponse, query: URLSearchParams): Promise<void> {
    const first: FirstRead = await this.streams.readFrom(resumeCursor(request, query)); // a bad cursor is a 400, before the stream opens
    if (response.destroyed) return; // the client left while we read
    if (this.closed) throw new HttpError(503, 'the server is shutting down', { 'Retry-After': '1' });
    // TODO 2. this.heldBudget.hold() (it throws the 503 when no slot is left), and on the response's
    //         'close': this.heldBudget.release(), this.streams.remove(response), and
    //         this.stopHeartbeat() once no stream is left.

    response.writeHead(200, EVENT_STREAM_HEADERS);
    response.flushHeaders(); // EventSource opens now, not at the first event
    // TODO 3. Write `retry: <ms>\n\n` (RECONNECT_DELAY_MS, spread with withJitter(), rounded) and,
    //         when first.page.messages is empty, `id: <first.page.cursor>\n\n`: an event that holds
    //         only an id still sets EventSource's last event id.
    this.streams.add(response, first);
    this.startHeartbeat();
  }

  /** GET /api/sse/messages: the plain catch-up read, answered at once like short polling. */
  async receive(_request: unknown, response: ServerResponse, since: string | undefined): Promise<void> {
    replyJson(response, 200, await this.room.readAfter(since));
  }

  post(draft: Draft): Promise<Message> {
    return this.room.append(draft);
  }

  heldCount(): number {
    return this.streams.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopHeartbeat();
    const responses = [...this.streams.all()];
    this.streams.stop();
    for (const response of responses) response.end(); // EventSource reconnects, after `retry`
  }

  private startHeartbeat(): void {
    if (this.heartbeatTimer) return;
    this.heartbeatTimer = setInterval(() => writeToAll([...this.streams.all()], HEARTBEAT), this.settings.heartbeatMs);
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }
}

/** TODO 1: where a stream starts: the Last-Event-ID header (when not empty), else ?since=, else undefined (history). */
function resumeCursor(request: IncomingMessage, query: URLSearchParams): string | undefined {
  return query.get('since') ?? undefined;
}

/** The page as SSE events, serialized once for every stream it goes to. */
function eventsFor(page: MessagesPage): Buffer {
  // TODO 4. When page.gap is true (the history no longer holds everything after the cursor), first an
  //         event named SSE_GAP_EVENT: `event: gap\ndata: {}\n\n`. Then, before each data: line,
  //         an `id: <message id>` line.
  let text = '';
  for (const message of page.messages) text += `data: ${JSON.stringify(message)}\n\n`;
  return Buffer.from(text);
}

/** Write the same bytes to every stream, dropping those whose client has stopped reading. */
function writeToAll(responses: ServerResponse[], bytes: Buffer): void {
  for (const response of responses) {
    if (response.destroyed || response.writableEnded) continue;
    response.write(bytes);
    if (response.writableLength > MAX_UNSENT_BYTES) response.destroy();
  }
}
