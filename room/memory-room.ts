// The in-memory room: an array of messages with increasing integer ids,
// optionally backed by a log file so that it survives a restart.
//
// The cursor is simply the id of the last message a client has seen ("0"
// before any). Reading after a cursor is a binary search away, and a cursor
// means the same thing to every strategy, so a client can switch strategy
// and carry its place in the conversation with it.
//
// With a log (see message-log.ts), a message becomes visible, to readers and
// subscribers, only once its line is written: a client can never see a
// message that a crash would take back.

import type { Draft, Message, MessagesPage } from '../wire/types.ts';
import { openMessageLog, type MessageLog } from './message-log.ts';
import { CursorError, DEFAULT_HISTORY_LIMIT, MAX_PAGE, RECENT_HISTORY, type MessageListener, type Room } from './room.ts';

/** Cursors are decimal ids; more digits than this cannot be an id we gave out. */
const MAX_CURSOR_DIGITS = 15;

export interface MemoryRoomOptions {
  /** Messages kept in memory (--history). */
  historyLimit?: number;
  /** Where accepted messages are written before they are acknowledged. */
  log?: Pick<MessageLog, 'append' | 'close'>;
  /** Messages read back from the log, oldest first. */
  restored?: Message[];
  /** The last id ever given out, so that ids continue after a restart. */
  lastId?: number;
}

/** A memory room rebuilt from, and appending to, `<dataDir>/messages.jsonl`. */
export async function openPersistentMemoryRoom(dataDir: string, historyLimit = DEFAULT_HISTORY_LIMIT): Promise<MemoryRoom> {
  const { log, messages, lastId } = await openMessageLog(dataDir, historyLimit);
  return new MemoryRoom({ historyLimit, log, restored: messages, lastId });
}

export class MemoryRoom implements Room {
  readonly kind = 'memory';
  private readonly messages: Message[];
  private readonly historyLimit: number;
  private readonly log: MemoryRoomOptions['log'];
  /** The last id handed out; with a log, its message may still be on its way to the file. */
  private lastAssignedId: number;
  /** The last id readers can see. */
  private lastId: number;
  private readonly listeners = new Set<MessageListener>();
  private closed = false;

  constructor(options: MemoryRoomOptions = {}) {
    this.historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    this.log = options.log;
    this.messages = (options.restored ?? []).slice(-this.historyLimit);
    this.lastId = options.lastId ?? Number(this.messages.at(-1)?.id ?? 0);
    this.lastAssignedId = this.lastId;
  }

  async append(draft: Draft): Promise<Message> {
    if (this.closed) throw new Error('the room is closed');
    this.lastAssignedId += 1;
    const message: Message = { id: String(this.lastAssignedId), author: draft.author, text: draft.text, ts: Date.now() };
    // The log resolves appends in the order they were made, so messages are published in id order.
    if (this.log) await this.log.append(message);
    this.publish(message);
    return message;
  }

  async readAfter(cursor: string | undefined): Promise<MessagesPage> {
    if (cursor === undefined) {
      const recent = this.messages.slice(-RECENT_HISTORY);
      return { messages: recent, cursor: String(this.lastId) };
    }
    const after = this.parseCursor(cursor);
    const start = this.indexAfter(after);
    const page = this.messages.slice(start, start + MAX_PAGE);
    const last = page.length > 0 ? page[page.length - 1].id : String(after);
    const result: MessagesPage = { messages: page, cursor: last };
    const oldestKept = this.messages.length > 0 ? Number(this.messages[0].id) : this.lastId + 1;
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

  /** Refuse new messages, and wait for those already accepted to reach the log. */
  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.log?.close();
  }

  private publish(message: Message): void {
    this.messages.push(message);
    this.lastId = Number(message.id);
    if (this.messages.length > this.historyLimit) this.messages.shift();
    // Listeners run synchronously, before append() resolves: by the time a
    // poster gets its 201, every parked request has already been woken.
    for (const listener of this.listeners) listener(message);
  }

  /** Index of the first kept message with an id above `after`. */
  private indexAfter(after: number): number {
    let low = 0;
    let high = this.messages.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (Number(this.messages[middle].id) <= after) low = middle + 1;
      else high = middle;
    }
    return low;
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
