// The in-memory room: an array of messages with increasing integer ids.
//
// The cursor is simply the id of the last message a client has seen ("0"
// before any). Reading after a cursor is a binary search away, and a cursor
// means the same thing to every strategy, so a client can switch strategy
// and carry its place in the conversation with it.

import type { Draft, Message, MessagesPage } from '../wire/types.ts';
import { CursorError, type MessageListener, type Room } from './room.ts';

/** Messages a client gets when it arrives without a cursor. */
const RECENT_HISTORY = 100;
/** Most messages one answer carries; a client that is further behind asks again at once. */
const MAX_PAGE = 1000;
/** Messages kept in memory; older ones are dropped and a cursor before them reports a gap. */
const DEFAULT_HISTORY_LIMIT = 10_000;
/** Cursors are decimal ids; more digits than this cannot be an id we gave out. */
const MAX_CURSOR_DIGITS = 15;

export class MemoryRoom implements Room {
  readonly kind = 'memory';
  private readonly messages: Message[] = [];
  private lastId = 0;
  private readonly listeners = new Set<MessageListener>();
  private closed = false;

  constructor(private readonly historyLimit = DEFAULT_HISTORY_LIMIT) {}

  async append(draft: Draft): Promise<Message> {
    if (this.closed) throw new Error('the room is closed');
    this.lastId += 1;
    const message: Message = { id: String(this.lastId), author: draft.author, text: draft.text, ts: Date.now() };
    this.messages.push(message);
    if (this.messages.length > this.historyLimit) this.messages.shift();
    // Listeners run synchronously, before append() resolves: by the time a
    // poster gets its 201, every parked request has already been woken.
    for (const listener of this.listeners) listener(message);
    return message;
  }

  async readAfter(cursor: string | undefined): Promise<MessagesPage> {
    if (cursor === undefined) {
      const recent = this.messages.slice(-RECENT_HISTORY);
      return { messages: recent, cursor: String(this.lastId) };
    }
    const after = this.parseCursor(cursor);
    const oldestKept = this.messages.length > 0 ? Number(this.messages[0].id) : this.lastId + 1;
    // Ids are consecutive, so the message after `after` sits at a known index.
    const start = Math.max(0, after + 1 - oldestKept);
    const page = this.messages.slice(start, start + MAX_PAGE);
    const last = page.length > 0 ? page[page.length - 1].id : String(after);
    const result: MessagesPage = { messages: page, cursor: last };
    if (after + 1 < oldestKept) result.gap = true;
    return result;
  }

  subscribe(listener: MessageListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  messageCount(): number {
    return this.messages.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
  }

  private parseCursor(cursor: string): number {
    if (!/^\d+$/.test(cursor) || cursor.length > MAX_CURSOR_DIGITS) {
      throw new CursorError(`cursor must be a message id (digits), got ${JSON.stringify(cursor.slice(0, 40))}`);
    }
    const id = Number(cursor);
    if (id > this.lastId) {
      throw new CursorError(`cursor ${cursor} is ahead of the room, whose last message is ${this.lastId}`);
    }
    return id;
  }
}
