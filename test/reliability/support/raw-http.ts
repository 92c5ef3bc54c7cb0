// Talking to the server below HTTP: raw bytes over a TCP socket, for the
// requests that fetch() would refuse to send (broken, huge, slow).

import { connect, type Socket } from 'node:net';

/** How a raw exchange ended: the server sent something, closed the socket, or did neither in time. */
export interface RawOutcome {
  how: 'answered' | 'closed' | 'silent';
  /** Everything the server sent. */
  received: string;
}

export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * Send `payload`, optionally close our side, then wait until the server answers
 * (a first byte back, or the whole answer with `untilClosed`) or closes.
 */
export async function rawExchange(
  port: number,
  payload: string | Buffer,
  { endAfterWrite = true, untilClosed = false, waitMs = 5000 } = {},
): Promise<RawOutcome> {
  const socket = await openSocket(port);
  return new Promise((resolve) => {
    let received = '';
    let settled = false;
    const settle = (how: RawOutcome['how']) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ how, received });
    };
    const timer = setTimeout(() => settle('silent'), waitMs);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (!untilClosed) settle('answered');
    });
    // A reset is one way for the server to close on us.
    socket.on('error', () => settle(received ? 'answered' : 'closed'));
    socket.on('close', () => settle(received ? 'answered' : 'closed'));
    socket.write(payload, () => {
      if (endAfterWrite) socket.end();
    });
  });
}

/** The status code of a raw HTTP answer, or 0 if there is none. */
export function statusOf(received: string): number {
  return Number(/^HTTP\/1\.[01] (\d{3})/.exec(received)?.[1] ?? 0);
}

/** Seeded pseudo-random numbers (mulberry32), so a failing fuzz run can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
