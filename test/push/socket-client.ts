// A WebSocket client for tests: the `ws` package, collecting every frame the
// server sends. Like the browser's WebSocket it does not reconnect by itself.

import { WebSocket } from 'ws';
import type { ServerFrame } from '../../wire/push.ts';
import type { Message } from '../../wire/types.ts';

export class SocketClient {
  readonly frames: ServerFrame[] = [];
  readonly socket: WebSocket;
  /** Resolves once the handshake is done; rejects if the server refused it. */
  readonly opened: Promise<void>;
  /** Resolves with the close code once the socket is closed. */
  readonly closed: Promise<number>;
  /** The HTTP status and headers of a refused upgrade. */
  refusedWith: number | undefined;
  refusedHeaders: Record<string, string | string[] | undefined> = {};

  constructor(url: string, options: ConstructorParameters<typeof WebSocket>[2] = {}) {
    this.socket = new WebSocket(url, options);
    this.socket.on('message', (data) => this.frames.push(JSON.parse(data.toString()) as ServerFrame));
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('unexpected-response', (_request, response) => {
        this.refusedWith = response.statusCode;
        this.refusedHeaders = response.headers;
        reject(new Error(`upgrade refused with ${response.statusCode}`));
        response.resume();
      });
      this.socket.once('error', reject);
    });
    this.opened.catch(() => {}); // a test that expects a refusal awaits it itself
    this.closed = new Promise((resolve) => this.socket.once('close', (code) => resolve(code)));
  }

  /** The chat messages received, in order. */
  messages(): Message[] {
    return this.frames.flatMap((frame) => (frame.type === 'message' ? [frame.message] : []));
  }

  framesOfType<T extends ServerFrame['type']>(type: T): Extract<ServerFrame, { type: T }>[] {
    return this.frames.filter((frame): frame is Extract<ServerFrame, { type: T }> => frame.type === type);
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Drop the connection without a close handshake, as a network failure would. */
  drop(): Promise<number> {
    this.socket.terminate();
    return this.closed;
  }
}

export function socketUrl(server: { url: string }, since?: string): string {
  const query = since === undefined ? '' : `?since=${encodeURIComponent(since)}`;
  return `${server.url.replace(/^http/, 'ws')}/api/websocket${query}`;
}
