// A cost model of short and long polling: the reference solution of lesson
// 5's exercise (lessons/exercises/lesson-5/problem.md). Each figure is one
// client's share, times the clients.

export type PollingStrategy = 'short-poll' | 'long-poll';

/** What the bench sets up: the server's flags, the clients, and the publisher. */
export interface Load {
  strategy: PollingStrategy;
  /** Clients connected, each running the strategy's loop. */
  clients: number;
  /** short-poll: how long a client waits after an answer before it asks again (--poll-interval). */
  pollIntervalMs: number;
  /** long-poll: how long the server holds a request when no message arrives (--hold-timeout). */
  holdTimeoutMs: number;
  /** Messages posted to the room per second (0 while the room is idle). */
  messagesPerSecond: number;
}

/** Requests the server answers per second, all clients together. */
export function requestsPerSecond(load: Load): number {
  // A short poll is answered at once: one request per interval, whatever happens in the room.
  if (load.strategy === 'short-poll') return load.clients * (1000 / load.pollIntervalMs);
  // A long poll ends when a message arrives or the hold times out, whichever comes first,
  // and the client asks again at once: a lively room sets the pace, a quiet one the timeout.
  return load.clients * Math.max(load.messagesPerSecond, 1000 / load.holdTimeoutMs);
}

/** Requests the server holds open at any moment, all clients together. */
export function heldConnections(load: Load): number {
  // A short poll is held for no time at all; a long-polling client almost always has one parked.
  return load.strategy === 'long-poll' ? load.clients : 0;
}

/** Messages one answer carries on average: every client must get every message, over how many answers? */
export function messagesPerAnswer(load: Load): number {
  const deliveriesPerSecond = load.clients * load.messagesPerSecond;
  return deliveriesPerSecond / requestsPerSecond(load);
}
