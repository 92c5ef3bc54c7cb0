// WebSocket: one socket, both ways. The page upgrades one HTTP request at
// /api/websocket?since=<last id>; from then on the server sends each message
// as a JSON frame and the page posts by sending a frame, no request at all.
// The cheapest on the wire (a frame is a few bytes of header, no HTTP
// headers per message), at the price of a protocol of our own: replies carry
// no request id, so posts go one at a time, each waiting for its "posted".
//
// The browser does not reconnect a WebSocket by itself: when the socket
// closes, this transport backs off with jitter and opens another, resuming
// after the last message id it delivered, so nothing is missed or repeated
// (push-loop.ts). Pings from the server are answered by the browser itself,
// unseen by the page. A refused upgrade (400, 503) reaches the page only as
// a close without an open; the next attempt then reads with a plain GET first.
// Server side: strategies/websocket.ts.

import type { PostFrame, ServerFrame } from '../../wire/push.ts';
import type { Accepted, Draft } from '../../wire/types.ts';
import { pageText } from '../i18n/page-language.ts';
import { PushTransport } from './push-loop.ts';
import type { TransportFactory } from './transport.ts';
import { nextWireId } from './watched-fetch.ts';

const encoder = new TextEncoder();

/** A post frame sent and waiting for its "posted" (or "error") reply. */
interface PendingPost {
  resolve: (accepted: Accepted) => void;
  reject: (error: Error) => void;
}

class WebSocketTransport extends PushTransport {
  readonly strategy = 'websocket';
  private socket: WebSocket | undefined;
  private isOpen = false;
  /** The wire view's id of the socket. */
  private socketId = 0;
  private pending: PendingPost | undefined;
  /** Posts waiting for the one before them to be answered. */
  private postQueue: Promise<unknown> = Promise.resolve();

  /** By frame while the socket is open; by an ordinary POST while it reconnects, so posting never waits for it. */
  send(draft: Draft): Promise<Accepted> {
    const post = this.postQueue.then(() => (this.isOpen ? this.sendFrame(draft) : super.send(draft)));
    this.postQueue = post.catch(() => undefined); // one failed post must not block the next
    return post;
  }

  protected openingDetail(): string {
    return pageText().status.openingSocket;
  }

  protected open(cursor: string | undefined): void {
    const path = `/api/websocket${cursor === undefined ? '' : `?since=${encodeURIComponent(cursor)}`}`;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(`${scheme}//${location.host}${path}`);
    this.socket = socket;
    this.isOpen = false;
    this.socketId = nextWireId();
    // The handshake is a GET with "Upgrade: websocket"; labelled WS so the wire view does not confuse it with a plain GET.
    this.wire({ type: 'open', id: this.socketId, at: Date.now(), method: 'WS', url: path, purpose: 'receive', stream: true });

    socket.addEventListener('open', () => {
      this.isOpen = true;
      this.connected(pageText().status.socketOpen);
    });
    socket.addEventListener('message', (event) => this.onFrame(String(event.data)));
    // 'error' always comes with a 'close', which says more: handled there.
    socket.addEventListener('close', (event) => {
      if (socket !== this.socket) return;
      const wasOpen = this.isOpen;
      const words = pageText();
      this.forgetSocket(wasOpen ? words.wire.ended.closed(event.code) : words.wire.ended.refused, !wasOpen);
      this.lost(wasOpen ? words.status.socketClosed(event.code, event.reason) : words.status.socketRefused, !wasOpen);
    });
  }

  protected close(): void {
    this.socket?.close(1000, 'switching strategy');
    this.forgetSocket();
  }

  private onFrame(text: string): void {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(text) as ServerFrame;
    } catch {
      return; // not a frame of ours; nothing to do with it
    }
    this.wire({ type: 'data', id: this.socketId, at: Date.now(), direction: 'in', bytes: encoder.encode(text).length, messages: frame.type === 'message' ? 1 : 0 });
    if (frame.type === 'message') this.received([frame.message]);
    else if (frame.type === 'gap') this.received([], true);
    else if (frame.type === 'posted') this.settle((post) => post.resolve({ id: frame.id, ts: frame.ts }));
    else if (frame.type === 'error') this.settle((post) => post.reject(new Error(frame.error)));
  }

  private sendFrame(draft: Draft): Promise<Accepted> {
    const frame: PostFrame = { type: 'post', author: draft.author, text: draft.text };
    const text = JSON.stringify(frame);
    const answered = new Promise<Accepted>((resolve, reject) => (this.pending = { resolve, reject }));
    this.socket!.send(text);
    this.wire({ type: 'data', id: this.socketId, at: Date.now(), direction: 'out', bytes: encoder.encode(text).length, messages: 1 });
    return answered;
  }

  private settle(answer: (post: PendingPost) => void): void {
    const post = this.pending;
    this.pending = undefined;
    if (post) answer(post);
  }

  /** The socket is gone: close its bar (101 if the upgrade was accepted), and fail a post it never answered (the text goes back to the box). */
  private forgetSocket(error?: string, refused = false): void {
    if (this.socket === undefined) return;
    this.wire({ type: 'close', id: this.socketId, at: Date.now(), status: refused ? undefined : 101, error, bytes: 0, messages: 0 });
    this.socket = undefined;
    this.isOpen = false;
    this.settle((post) => post.reject(new Error(pageText().status.socketClosedBeforeAnswer)));
  }
}

export const webSocket: TransportFactory = () => new WebSocketTransport();
