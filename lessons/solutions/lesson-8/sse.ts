// REFERENCE SOLUTION to the exercise of lesson 8: the Server-Sent Events
// strategy with resuming written: ids on events, Last-Event-ID read back,
// `retry:`, and a held slot per stream. Your own copy is lessons/exercises/lesson-8/.
//
// Checked by: npm run lesson -- verify 8 --solution

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
  summary: 'The Server-Sent Events strategy, resuming written (lesson 8, solved).',
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
    // TODO 2: a stream holds a slot for as long as it is open; 'close' comes once, however it ends.
    this.heldBudget.hold();
    response.once('close', () => {
      this.heldBudget.release();
      this.streams.remove(response);
      if (this.streams.size === 0) this.stopHeartbeat();
    });

    response.writeHead(200, EVENT_STREAM_HEADERS);
    response.flushHeaders(); // EventSource opens now, not at the first event
    // TODO 3: streams dropped together (a restart) come back spread out; and a client that has
    // seen no message yet still resumes from here.
    const start = first.page.messages.length === 0 ? `id: ${first.page.cursor}\n\n` : '';
    response.write(`retry: ${Math.round(withJitter(RECONNECT_DELAY_MS))}\n\n${start}`);
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
  // EventSource reconnects to the same URL, ?since= included: the id it last saw must win.
  const lastEventId = request.headers['last-event-id'];
  if (typeof lastEventId === 'string' && lastEventId !== '') return lastEventId;
  return query.get('since') ?? undefined;
}

/** The page as SSE events, serialized once for every stream it goes to. */
function eventsFor(page: MessagesPage): Buffer {
  // TODO 4: the page says when messages after the cursor are gone; the id is what EventSource sends back.
  let text = page.gap ? `event: ${SSE_GAP_EVENT}\ndata: {}\n\n` : '';
  for (const message of page.messages) text += `id: ${message.id}\ndata: ${JSON.stringify(message)}\n\n`;
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
