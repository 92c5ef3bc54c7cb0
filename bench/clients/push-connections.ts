// What the two push clients (sse.ts, websocket.ts) share: opening thousands
// of long-lived connections, counting how each one ends, and counting the
// bytes that came in on them. Each client file says how to open one
// connection and how to read what arrives on it; this file does the rest.
//
// Connections are opened a few hundred at a time, the next as soon as one
// is answered: thousands of connects in the same millisecond overflow the
// server's accept queue (Node listens with a backlog of 511), and the kernel
// retries the overflow a second or more later, so the point would measure
// the kernel's retry timer rather than the strategy.

import type { Socket } from 'node:net';
import type { RunningClients, Traffic } from './client-protocol.ts';

/** Handshakes in flight at once. */
const HANDSHAKES_AT_ONCE = 256;

/** Where one connection is in its life; what its end counts as depends on it. */
export type Stage = 'connecting' | 'open' | 'refused' | 'timed out';

export interface PushConnection {
  stage: Stage;
  /** Close the connection at once, without a goodbye (stop, or a handshake that took too long). */
  cut(): void;
  /** Cuts the handshake short if it takes longer than the client's timeout; cleared once answered. */
  handshakeTimer?: NodeJS.Timeout;
}

export class PushConnections implements RunningClients {
  private readonly counts: Traffic = { responses: 0, non2xx: 0, errors: 0, timeouts: 0, bytesReceived: 0 };
  private readonly connections: PushConnection[] = [];
  private readonly liveSockets = new Set<Socket>();
  private bytesOfClosedSockets = 0;
  private toOpen = 0;
  private nextClient = 0;
  private open: (client: number) => PushConnection = () => {
    throw new Error('openAll() was not called');
  };
  /** Connections opened and not yet closed. */
  private live = 0;
  private stopping = false;
  private allClosed: (() => void) | undefined;

  constructor(private readonly handshakeTimeoutMs: number) {}

  /** Open `count` connections, clients 0..count-1, with `open`. */
  openAll(count: number, open: (client: number) => PushConnection): void {
    this.toOpen = count;
    this.open = open;
    for (let started = 0; started < Math.min(HANDSHAKES_AT_ONCE, count); started++) this.openNext();
  }

  /** Count what is read from this socket, for as long as it lives. */
  countBytesOf(socket: Socket): void {
    this.liveSockets.add(socket);
    socket.once('close', () => {
      this.bytesOfClosedSockets += socket.bytesRead;
      this.liveSockets.delete(socket);
    });
  }

  /** The server answered the handshake: a stream or socket is open (`accepted`), or it was refused (e.g. 503). */
  answered(connection: PushConnection, accepted: boolean): void {
    if (connection.stage !== 'connecting') return;
    clearTimeout(connection.handshakeTimer);
    connection.stage = accepted ? 'open' : 'refused';
    this.counts.responses += 1;
    if (!accepted) this.counts.non2xx += 1;
    this.openNext();
  }

  /** Something arrived that the client could not read. */
  unreadable(): void {
    this.counts.errors += 1;
  }

  /** The connection is closed, for whatever reason: count it by the stage it had reached. */
  closed(connection: PushConnection): void {
    clearTimeout(connection.handshakeTimer);
    this.live -= 1;
    if (!this.stopping) {
      // Closed before we stopped: refused at connect, reset, or a stream the server ended. No resume here: it is an error.
      if (connection.stage === 'connecting' || connection.stage === 'open') this.counts.errors += 1;
      if (connection.stage === 'timed out') this.counts.timeouts += 1;
      // It never got an answer, so it did not start the next one: start it now.
      if (connection.stage === 'connecting' || connection.stage === 'timed out') this.openNext();
    }
    if (this.stopping && this.live === 0) this.allClosed?.();
  }

  traffic(): Traffic {
    let bytesReceived = this.bytesOfClosedSockets;
    for (const socket of this.liveSockets) bytesReceived += socket.bytesRead;
    return { ...this.counts, bytesReceived };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const closing = new Promise<void>((resolve) => (this.allClosed = resolve));
    for (const connection of this.connections) connection.cut();
    if (this.live > 0) await closing;
  }

  private openNext(): void {
    if (this.stopping || this.nextClient >= this.toOpen) return;
    const connection = this.open(this.nextClient++);
    this.live += 1;
    this.connections.push(connection);
    connection.handshakeTimer = setTimeout(() => {
      if (connection.stage !== 'connecting') return;
      connection.stage = 'timed out';
      connection.cut();
    }, this.handshakeTimeoutMs);
  }
}

/** For 'error' events: every connection's end is counted once, in closed(), which always follows. */
export function countedWhenClosed(): void {}
