// YOUR COPY of a cost model for short and long polling, for the exercise of lesson 5.
//
// A measurement you could not have predicted teaches little. These three
// functions predict, from the load alone, three figures the bench measures.
// `npm run lesson -- verify 5` runs a short bench on this machine (about
// 20 s) with a load of its choosing, calls your functions with that load,
// and says which predictions land within a factor of 2 of the measurement.
//
// The exercise (lessons/exercises/lesson-5/problem.md): write the three
// functions. Each is a line or two of arithmetic, and each must work for
// both strategies. Think about one client first, then multiply.
//
// Check your work with: npm run lesson -- verify 5

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
  throw new Error('TODO: requestsPerSecond is not written yet');
}

/** Requests the server holds open at any moment, all clients together. */
export function heldConnections(load: Load): number {
  throw new Error('TODO: heldConnections is not written yet');
}

/** Messages one answer carries on average: every client must get every message, over how many answers? */
export function messagesPerAnswer(load: Load): number {
  throw new Error('TODO: messagesPerAnswer is not written yet');
}
