// The contract every strategy implements.
//
// A strategy is one way of delivering the room to a browser. The shell mounts
// every strategy at /api/<name>/messages and hands it the GETs and POSTs for
// that path; the strategy decides whether to answer at once or to hold.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Room } from '../room/room.ts';
import type { Draft, Message } from '../wire/types.ts';

/** A number a strategy lets the user tune from the command line. */
export interface StrategyOption {
  /** The command-line flag, without dashes: "poll-interval". */
  flag: string;
  describe: string;
  default: number;
  /** Smallest value that makes sense (0 if not given). */
  min?: number;
}

/** What a strategy is given when the shell starts it. */
export interface StrategyContext {
  room: Room;
  /** Where a strategy may keep files (the mtime strategy's data file). */
  dataDir: string;
  /** Every strategy option's value, keyed by the camelCase of its flag ("pollInterval"). */
  settings: Record<string, number>;
  /** The server-wide limit on held requests, shared by every strategy that holds (--max-held). */
  heldBudget: HeldBudget;
}

/**
 * Slots for held requests (or open push connections), counted across all
 * strategies. Take one before holding; give it back however the holding ends
 * (answer, hold timeout, client abort, socket error, shutdown).
 */
export interface HeldBudget {
  /** Take a slot, or throw the 503 (with Retry-After) that the shell answers with. */
  hold(): void;
  /** Give a slot back: exactly once for every slot taken. */
  release(): void;
}

/**
 * How a client receives messages this way:
 *   'poll'       it asks, and is answered at once (short polling);
 *   'held-poll'  it asks, and the answer waits until there is news (long polling);
 *   'push'       it keeps one stream or socket open and the server writes to it (SSE, WebSocket).
 */
export type Delivery = 'poll' | 'held-poll' | 'push';

export interface Strategy {
  /** What users type after --strategy and see in URLs: /api/<name>/messages. */
  name: string;
  delivery: Delivery;
  /** One sentence for --help and /api/config. */
  summary: string;
  /** Command-line options of this strategy. */
  options: StrategyOption[];
  /** Start serving the room this way. */
  start(context: StrategyContext): StrategyServer;
}

/** A strategy at work on one room. */
export interface StrategyServer {
  /** Settings a client needs to follow the protocol (e.g. how often to poll): what /api/config shows. */
  clientSettings: Record<string, number>;
  /**
   * Answer GET /api/<name>/messages, now or later. `since` is the client's
   * cursor, undefined when it has none. Throw to refuse (http/failure.ts maps the error to its answer).
   */
  receive(request: IncomingMessage, response: ServerResponse, since: string | undefined): void | Promise<void>;
  /** Accept a message posted to /api/<name>/messages (already validated by the shell). */
  post(draft: Draft): Promise<Message>;
  /** Requests held open right now. */
  heldCount(): number;
  /**
   * Extra GET routes under /api/<name>/, by last path segment (e.g. "events" for
   * /api/sse/events), for strategies that need more than /messages.
   */
  routes?: Record<string, (request: IncomingMessage, response: ServerResponse, query: URLSearchParams) => void | Promise<void>>;
  /** Take over an HTTP upgrade request to /api/<name>[/...] (WebSocket). */
  upgrade?(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Counters of the strategy's own work for /api/stats (e.g. file checks), if it has any. */
  counters?(): Record<string, number>;
  /** Answer every held request and stop all timers: the server is shutting down. */
  close(): Promise<void>;
}
