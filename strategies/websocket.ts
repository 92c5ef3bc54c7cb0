// WebSocket: one socket, both ways, for as long as the client stays.
//
//   browser (WebSocket)                        server
//     |-- GET /api/websocket?since=41 ----------->|   HTTP upgrade (the cursor is checked first)
//     |<-- 101 Switching Protocols ---------------|   from here on: frames, not HTTP
//     |<-- {"type":"message","message":{42}} -----|   what the client missed, then live
//     |-- {"type":"post","author","text"} ------->|   posting needs no new request...
//     |<-- {"type":"message","message":{43}} -----|   ...it comes back like any message,
//     |<-- {"type":"posted","id":"43","ts"} ------|   and is acknowledged: these two may come
//                                                      in either order (the room decides)
//     |<-- ping ---- every --ws-ping-interval ----|
//     |-- pong ---------------------------------->|   no pong by the next ping: the peer is gone
//     |<-- close 1001 ----------------------------|   the server is shutting down
//
// What the server holds: one open socket per client, a small entry with its
// cursor (room-followers.ts) and a flag saying whether it answered the last
// ping. A message costs one read of the room and one serialization per frame,
// shared by every socket at the same place, then one send per socket. One
// timer pings every socket: a peer that vanished without closing (a laptop
// lid, a dropped Wi-Fi) is found within two intervals and released. A socket
// whose client reads too slowly is cut once MAX_UNSENT_BYTES (1 MiB) wait in
// its buffer, so one slow reader cannot grow the server's memory without end.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { answerFor, refuseUpgrade } from '../http/failure.ts';
import { HttpError } from '../http/http-error.ts';
import { replyJson } from '../http/reply.ts';
import type { Room } from '../room/room.ts';
import { checkDraft } from '../wire/draft.ts';
import type { ServerFrame } from '../wire/push.ts';
import type { Draft, Message, MessagesPage } from '../wire/types.ts';
import { RoomFollowers, type FirstRead } from './room-followers.ts';
import type { HeldBudget, Strategy, StrategyServer } from './strategy.ts';

/** The one path that takes upgrades. */
const SOCKET_PATH = '/api/websocket';
/** Largest frame a client may send; a post frame is small. ws closes the socket with 1009 past it. */
const MAX_FRAME_BYTES = 16 * 1024;
/** Bytes a socket may have waiting to be sent before its client counts as too slow and is cut. */
const MAX_UNSENT_BYTES = 1024 * 1024;
/** Close codes (RFC 6455): the server is going away; the room could not be read. */
const CLOSE_GOING_AWAY = 1001;
const CLOSE_SERVER_ERROR = 1011;
/** How long shutdown waits for clients to answer the close frame before cutting their sockets. */
const CLOSE_GRACE_MS = 1000;

export const websocket: Strategy = {
  name: 'websocket',
  delivery: 'push',
  summary: 'Client and server keep one WebSocket open; messages go both ways as JSON frames.',
  options: [{ flag: 'ws-ping-interval', describe: 'Milliseconds between pings that find dead WebSocket peers', default: 30_000, min: 10 }],
  start: ({ room, settings, heldBudget }) => new Sockets(room, settings.wsPingInterval, heldBudget),
};

class Sockets implements StrategyServer {
  readonly clientSettings: Record<string, number>;
  // noServer: the shell owns the HTTP server and hands over upgrades to /api/websocket.
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, clientTracking: false });
  private readonly sockets: RoomFollowers<WebSocket>;
  /** Sockets that answered the last ping (or opened since). */
  private readonly answered = new WeakSet<WebSocket>();
  private pingTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly room: Room,
    private readonly pingIntervalMs: number,
    private readonly heldBudget: HeldBudget,
  ) {
    this.clientSettings = { pingIntervalMs, maxFrameBytes: MAX_FRAME_BYTES };
    this.sockets = new RoomFollowers<WebSocket>(
      room,
      (sockets, page) => sendToAll(sockets, framesFor(page)),
      (sockets) => sockets.forEach((socket) => socket.close(CLOSE_SERVER_ERROR, 'could not read the room')),
    );
  }

  /** An upgrade to /api/websocket[?since=<cursor>]: read the room first, so a bad cursor is refused in plain HTTP. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A client that resets the connection before the handshake ends must not take the server down.
    socket.on('error', ignoreSocketError);
    this.accept(request, socket, head).catch((error) => refuseUpgrade(socket, error));
  }

  private async accept(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const [path, query = ''] = (request.url ?? '/').split('?', 2);
    if (path !== SOCKET_PATH) throw new HttpError(404, `WebSocket upgrades go to ${SOCKET_PATH}`);
    const since = new URLSearchParams(query).get('since') ?? undefined;
    const first = await this.sockets.readFrom(since);
    if (socket.destroyed) return; // the client left while we read
    if (this.closed) throw new HttpError(503, 'the server is shutting down', { 'Retry-After': '1' });
    // A socket takes a slot of the server-wide --max-held budget (503 when none is left), and gives it
    // back when the TCP connection closes: once, whether or not the handshake got that far.
    this.heldBudget.hold();
    socket.once('close', () => this.heldBudget.release());
    this.server.handleUpgrade(request, socket, head, (webSocket) => this.welcome(webSocket, first));
  }

  private welcome(socket: WebSocket, first: FirstRead): void {
    this.answered.add(socket);
    socket.on('pong', () => this.answered.add(socket));
    socket.on('message', (data, isBinary) => void this.onFrame(socket, data, isBinary));
    socket.once('close', () => {
      this.sockets.remove(socket);
      if (this.sockets.size === 0) this.stopPinging();
    });
    // ws reports protocol errors (a frame over maxPayload, bad UTF-8) here, then closes the socket itself.
    socket.on('error', ignoreSocketError);
    this.sockets.add(socket, first);
    this.startPinging();
  }

  /** A frame from the client: only {"type": "post", "author", "text"} is understood. */
  private async onFrame(socket: WebSocket, data: RawData, isBinary: boolean): Promise<void> {
    try {
      if (isBinary) throw new HttpError(400, 'send text frames of JSON, not binary');
      const frame: unknown = parseJson(data.toString());
      if ((frame as { type?: unknown })?.type !== 'post') throw new HttpError(400, 'the only frame a client may send is {"type": "post", "author", "text"}');
      const draft = checkDraft(frame); // the same rule as a POST body (wire/draft.ts)
      const message = await this.room.append(draft);
      send(socket, { type: 'posted', id: message.id, ts: message.ts });
    } catch (error) {
      // The same sentence a POST would get for the same failure, in a frame instead of a status.
      send(socket, { type: 'error', error: answerFor(error).body.error });
    }
  }

  /** GET /api/websocket/messages: the plain catch-up read, answered at once like short polling. */
  async receive(_request: unknown, response: ServerResponse, since: string | undefined): Promise<void> {
    replyJson(response, 200, await this.room.readAfter(since));
  }

  post(draft: Draft): Promise<Message> {
    return this.room.append(draft);
  }

  heldCount(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopPinging();
    const sockets = [...this.sockets.all()];
    this.sockets.stop();
    const allClosed = Promise.all(sockets.map((socket) => new Promise((resolve) => socket.once('close', resolve))));
    for (const socket of sockets) socket.close(CLOSE_GOING_AWAY, 'server shutting down');
    // A peer that never answers the close frame must not hold up the shutdown.
    const grace = setTimeout(() => sockets.forEach((socket) => socket.terminate()), CLOSE_GRACE_MS);
    await allClosed;
    clearTimeout(grace);
  }

  /** Every interval: cut the sockets that did not answer the last ping, ping the others. */
  private pingAll(): void {
    for (const socket of this.sockets.all()) {
      if (!this.answered.has(socket)) {
        socket.terminate(); // no close handshake: the peer is not there to answer it
        continue;
      }
      this.answered.delete(socket);
      socket.ping();
    }
  }

  private startPinging(): void {
    if (this.pingTimer) return;
    this.pingTimer = setInterval(() => this.pingAll(), this.pingIntervalMs);
  }

  private stopPinging(): void {
    clearInterval(this.pingTimer);
    this.pingTimer = undefined;
  }
}

/** The page as frames, each serialized once for every socket it goes to. */
function framesFor(page: MessagesPage): Buffer[] {
  const frames: ServerFrame[] = page.gap ? [{ type: 'gap' }] : [];
  for (const message of page.messages) frames.push({ type: 'message', message });
  return frames.map((frame) => Buffer.from(JSON.stringify(frame)));
}

/** Send the same frames to every socket, cutting those whose client has stopped reading. */
function sendToAll(sockets: WebSocket[], frames: Buffer[]): void {
  for (const socket of sockets) {
    if (socket.readyState !== socket.OPEN) continue;
    for (const frame of frames) socket.send(frame, { binary: false });
    // bufferedAmount counts what is queued because the peer's TCP window is full.
    if (socket.bufferedAmount > MAX_UNSENT_BYTES) socket.terminate();
  }
}

function send(socket: WebSocket, frame: ServerFrame): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `frame is not valid JSON: ${(error as Error).message}`);
  }
}

// Errors on a socket end in its 'close', where it is forgotten; there is nothing else to do with them.
function ignoreSocketError(): void {}
