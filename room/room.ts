// The room: the one conversation every strategy delivers.
//
// Strategies see the room only through this interface, so the in-memory room
// can be swapped for another (a backplane shared by several servers) without
// touching any strategy. The room knows nothing about HTTP or strategies.

import type { Draft, Message, MessagesPage } from '../wire/types.ts';

/** Messages a client gets when it arrives without a cursor. */
export const RECENT_HISTORY = 100;
/** Most messages one answer carries; a client that is further behind asks again at once. */
export const MAX_PAGE = 1000;
/** Messages a room keeps (--history); a cursor before them gets what is left and a gap. */
export const DEFAULT_HISTORY_LIMIT = 10_000;

export type MessageListener = (message: Message) => void;

export interface Room {
  /** What kind of room this is, for /api/stats ("memory", ...). */
  readonly kind: string;
  /** Store a message, give it an id and a time, then tell every subscriber. */
  append(draft: Draft): Promise<Message>;
  /**
   * The messages after `cursor`, oldest first, and the cursor to ask with next.
   * Without a cursor: the recent history. Throws CursorError for a cursor this room never gave out.
   */
  readAfter(cursor: string | undefined): Promise<MessagesPage>;
  /** Be told of every new message, in order. Returns the function that stops it. */
  subscribe(listener: MessageListener): () => void;
  /** How many messages the room holds now. */
  messageCount(): number;
  /** Stop: no more appends are accepted. */
  close(): Promise<void>;
  /** Whether the room's backing service is reachable, for /api/stats; rooms that need none leave it out. */
  health?(): RoomHealth;
  /**
   * Be told when the room becomes unreachable (its Redis went away), so requests held open can be
   * answered now (503: back off) instead of waiting through the outage. Rooms that cannot fail leave it out.
   */
  onUnavailable?(listener: (error: RoomUnavailableError) => void): () => void;
}

/** What /api/stats shows of a room that lives in another service (Redis). */
export interface RoomHealth {
  /** True when appends and reads can succeed right now. */
  ok: boolean;
  [detail: string]: string | number | boolean;
}

/** A cursor that is malformed or out of range. The shell answers it with 400. */
export class CursorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CursorError';
  }
}

/**
 * The room cannot be reached right now (its Redis is down): try again later.
 * The shell answers it with 503, so clients back off instead of giving up.
 */
export class RoomUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RoomUnavailableError';
  }
}
