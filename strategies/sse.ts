// Server-Sent Events: one response that never ends, an event per message.
//
//   browser (EventSource)                 server
//     |-- GET /api/sse/events ------------->|   no cursor: recent history first
//     |<-- 200 text/event-stream -----------|   headers sent at once
//     |<-- retry: 1800..2200 ---------------|   "if I vanish, reconnect after about 2 s" (jittered)
//     |<-- id: 41 / data: {...} ------------|   history, one event per message
//     |              ...open...             |
//     |<-- id: 42 / data: {...} ------------|<-- message 42 is posted
//     |<-- : heartbeat ---------------------|   every --sse-heartbeat ms, so proxies keep it open
//     x    the connection drops             |
//     |-- GET /api/sse/events ------------->|   Last-Event-ID: 42 (EventSource sends it)
//     |<-- id: 43 / data: {...} ------------|   exactly what was missed, then live again
//
// What the server holds: one open response per client, for as long as the
// client stays, and an entry with its cursor (room-followers.ts). A message
// costs one read of the room and one serialization, shared by every stream
// at the same place, then one write per stream. No request per message and
// no polling: the cheapest way to push to a browser, one way only; posting
// stays an ordinary POST /api/sse/messages. One timer writes the heartbeat
// to every stream. A stream whose client cannot keep up is dropped once
// MAX_UNSENT_BYTES wait for it, rather than let the server's memory grow.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from '../http/http-error.ts';
import { replyJson } from '../http/reply.ts';
import type { Room } from '../room/room.ts';
import { SSE_GAP_EVENT } from '../wire/push.ts';
import type { Draft, Message, MessagesPage } from '../wire/types.ts';
import { RoomFollowers, type FirstRead } from './room-followers.ts';
import { withJitter } from './hold-jitter.ts';
import type { HeldBudget, Strategy, StrategyServer } from './strategy.ts';

/** What the stream tells EventSource to wait before it reconnects (the `retry:` field). */
const RECONNECT_DELAY_MS = 2000;
/** Bytes a stream may have waiting to be sent before its client counts as too slow and is dropped. */
const MAX_UNSENT_BYTES = 1024 * 1024;

const EVENT_STREAM_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  // nginx and its kind would otherwise buffer the stream and deliver events in lumps.
  'X-Accel-Buffering': 'no',
  // Never compressed: a compressor holds bytes back until it has enough to squeeze.
  'Content-Encoding': 'identity',
} as const;

/** A comment line: EventSource ignores it, but it moves bytes, so idle-closing proxies leave the stream alone. */
const HEARTBEAT = Buffer.from(': heartbeat\n\n');

export const sse: Strategy = {
  name: 'sse',
  delivery: 'push',
  summary: 'The server keeps one response open per client and writes each message to it as an event.',
  options: [{ flag: 'sse-heartbeat', describe: 'Milliseconds between the heartbeat comments written to every SSE stream', default: 15_000, min: 10 }],
  start: ({ room, settings, heldBudget }) => new EventStreams(room, settings.sseHeartbeat, heldBudget),
};

class EventStreams implements StrategyServer {
  readonly clientSettings: Record<string, number>;
  readonly routes = { events: (request: IncomingMessage, response: ServerResponse, query: URLSearchParams) => this.open(request, response, query) };
  private readonly streams: RoomFollowers<ServerResponse>;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly room: Room,
    private readonly heartbeatMs: number,
    private readonly heldBudget: HeldBudget,
  ) {
    this.clientSettings = { heartbeatMs, retryMs: RECONNECT_DELAY_MS };
    this.streams = new RoomFollowers<ServerResponse>(
      room,
      (responses, page) => writeToAll(responses, eventsFor(page)),
      // The room could not be read: end the streams; EventSource reconnects with Last-Event-ID and loses nothing.
      (responses) => responses.forEach((response) => response.end()),
    );
  }

  /** GET /api/sse/events: resume after Last-Event-ID, else after ?since=, else from the recent history. */
  private async open(request: IncomingMessage, response: ServerResponse, query: URLSearchParams): Promise<void> {
    const lastEventId = request.headers['last-event-id'];
    const since = (typeof lastEventId === 'string' && lastEventId !== '' ? lastEventId : query.get('since')) ?? undefined;
    const first: FirstRead = await this.streams.readFrom(since); // a bad cursor is a 400, before the stream opens
    if (response.destroyed) return; // the client left while we read
    if (this.closed) throw new HttpError(503, 'the server is shutting down', { 'Retry-After': '1' });
    this.heldBudget.hold(); // a stream takes a slot of the server-wide --max-held budget; 503 when none is left
    // 'close' comes once per response however the stream ends (client gone, dropped, shutdown): the slot goes back here.
    response.once('close', () => {
      this.heldBudget.release();
      this.streams.remove(response);
      if (this.streams.size === 0) this.stopHeartbeat();
    });

    response.writeHead(200, EVENT_STREAM_HEADERS);
    // With no history to send, an event holding only an id still sets EventSource's
    // last event id, so even a client that has seen nothing resumes from here.
    const start = first.page.messages.length === 0 ? `id: ${first.page.cursor}\n\n` : '';
    // Jittered per stream: clients dropped together (a restart) then come back spread out, not in one burst.
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
    // Ending the response tells EventSource to reconnect (after `retry`), to whichever server is there then.
    for (const response of responses) response.end();
  }

  private startHeartbeat(): void {
    if (this.heartbeatTimer) return;
    this.heartbeatTimer = setInterval(() => writeToAll([...this.streams.all()], HEARTBEAT), this.heartbeatMs);
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }
}

/** The page as SSE events, serialized once for every stream it goes to. */
function eventsFor(page: MessagesPage): Buffer {
  let text = page.gap ? `event: ${SSE_GAP_EVENT}\ndata: {}\n\n` : '';
  // JSON.stringify escapes newlines, so each message fits on one data: line.
  for (const message of page.messages) text += `id: ${message.id}\ndata: ${JSON.stringify(message)}\n\n`;
  return Buffer.from(text);
}

/** Write the same bytes to every stream, dropping those whose client has stopped reading. */
function writeToAll(responses: ServerResponse[], bytes: Buffer): void {
  for (const response of responses) {
    if (response.destroyed || response.writableEnded) continue;
    response.write(bytes);
    // writableLength counts what Node holds because the socket would not take it.
    if (response.writableLength > MAX_UNSENT_BYTES) response.destroy();
  }
}
