// The one reader per server process: a loop of XREAD BLOCK on a connection
// of its own, which learns of every message any server appended and hands
// them, in stream order, to this process's subscribers.
//
//   server A --XADD--> [ Redis stream ] <--XADD-- server B
//                          |       |
//        XREAD BLOCK (A's reader)  XREAD BLOCK (B's reader)
//                          |       |
//        A's parked requests,      B's parked requests,
//        streams and sockets       streams and sockets
//
// One blocked XREAD serves every client of the process, however many there
// are: Redis sees two connections per server, not one per browser. The loop
// remembers the id of the last entry it delivered and always asks for what
// comes after it, so a dropped connection loses nothing: when Redis is back,
// the next XREAD picks up exactly where the last one stopped.
//
// Each XREAD is followed, on the same connection, by an XLEN: Redis runs it
// as soon as the XREAD returns, so every batch comes with the stream's length
// just after it (for /api/stats), at one small command per batch.

import type { Redis } from 'ioredis';
import type { Message } from '../wire/types.ts';
import { STREAM_START, compareStreamIds, entriesToMessages, formatStreamId, parseStreamId, type StreamEntry, type StreamId } from './redis-stream-entry.ts';

/** How long one XREAD waits for news before it is sent again; bounds nothing visible, only keeps the loop alive. */
const BLOCK_MS = 10_000;
/** Most entries one XREAD returns; a reader that fell behind catches up in batches of this size. */
const BATCH_SIZE = 500;
/** After a failed XREAD, wait this long before the next one, doubling up to the maximum. */
const FIRST_RETRY_DELAY_MS = 50;
const MAX_RETRY_DELAY_MS = 1000;

interface Waiter {
  id: StreamId;
  resolve: () => void;
}

/** XREAD's answer for one stream: [[key, entries]], or null when the block timed out. */
type XreadReply = [key: string, entries: StreamEntry[]][] | null;

/** What one read brought: possibly no messages (the block timed out), always the stream's length. */
export interface StreamBatch {
  /** The entries that are messages, in stream order. */
  messages: Message[];
  /** The last entry read (a message or not): the next read asks for what follows it. */
  lastId: StreamId;
  /** How many entries the stream held right after this read. */
  streamLength: number;
}

export interface StreamReaderListener {
  /** Entries that directly follow the previous batch (or the point given to resumingAfter). */
  batch(batch: StreamBatch): void;
  /**
   * From here on, entries after `id` are read; the next batch follows `id`. Called on start, and each time
   * the connection drops (`afterOutage`): the Redis found again may hold another stream (restarted empty).
   */
  resumingAfter(id: StreamId, afterOutage: boolean): void;
}

export class StreamReader {
  private lastDelivered: StreamId = STREAM_START;
  /** append() calls waiting until their own message has been handed to the local subscribers. */
  private waiters: Waiter[] = [];
  private stopped = false;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly connection: Redis,
    private readonly stream: string,
    private readonly listener: StreamReaderListener,
  ) {
    connection.on('close', () => {
      // While the connection is down nothing can be delivered; let append() answer rather than hang through an outage.
      this.releaseWaiters();
      this.listener.resumingAfter(this.lastDelivered, true);
    });
  }

  /** Deliver every entry after `after`, from now until stop(). */
  start(after: StreamId): void {
    this.lastDelivered = after;
    this.listener.resumingAfter(after, false);
    this.running = this.loop();
  }

  /** Whether the reader's connection is up (it may still be catching up). */
  get connected(): boolean {
    return this.connection.status === 'ready';
  }

  /** Resolves once the entry `id` has been delivered here, or delivery is interrupted (an outage, stop()). */
  delivered(id: string): Promise<void> {
    const target = parseStreamId(id);
    if (!target || this.stopped || compareStreamIds(target, this.lastDelivered) <= 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ id: target, resolve }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const connected = this.connection.status === 'ready';
    // Disconnecting rejects the blocked XREAD, which ends the loop. During an outage the XREAD waits in a
    // queue that a disconnect drops unanswered: the loop is parked on it for good, holding nothing.
    this.connection.disconnect();
    if (connected) await this.running;
    this.releaseWaiters();
  }

  private async loop(): Promise<void> {
    let retryDelay = FIRST_RETRY_DELAY_MS;
    while (!this.stopped) {
      let entries: StreamEntry[];
      let streamLength: number;
      try {
        [entries, streamLength] = await this.readNext();
        retryDelay = FIRST_RETRY_DELAY_MS;
      } catch (error) {
        if (this.stopped) return;
        this.releaseWaiters();
        // The connection reconnects by itself; the pause only keeps a persistent error (say, a key of the wrong type) from spinning.
        if (!isConnectionError(error)) console.error(`redis room: reading stream ${this.stream} failed: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, retryDelay));
        retryDelay = Math.min(retryDelay * 2, MAX_RETRY_DELAY_MS);
        continue;
      }
      if (entries.length > 0) this.lastDelivered = parseStreamId(entries[entries.length - 1][0]) ?? this.lastDelivered;
      this.listener.batch({ messages: entriesToMessages(entries), lastId: this.lastDelivered, streamLength });
      this.resolveDeliveredWaiters();
    }
  }

  /** One XREAD BLOCK for what comes after the last delivered entry ([] when the block timed out), then XLEN. */
  private async readNext(): Promise<[StreamEntry[], number]> {
    const after = formatStreamId(this.lastDelivered);
    // Both go out now, one behind the other; through an outage, whichever is unanswered is sent again, in order.
    // Promise.all handles a failure of either (a lone rejected promise would be an unhandled rejection).
    const reading = this.connection.xread('COUNT', BATCH_SIZE, 'BLOCK', BLOCK_MS, 'STREAMS', this.stream, after) as Promise<XreadReply>;
    const [reply, length] = await Promise.all([reading, this.connection.xlen(this.stream)]);
    return [reply?.[0]?.[1] ?? [], length];
  }

  private resolveDeliveredWaiters(): void {
    const stillWaiting: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (compareStreamIds(waiter.id, this.lastDelivered) <= 0) waiter.resolve();
      else stillWaiting.push(waiter);
    }
    this.waiters = stillWaiting;
  }

  private releaseWaiters(): void {
    for (const waiter of this.waiters) waiter.resolve();
    this.waiters = [];
  }
}

/** Errors that only mean "Redis went away"; the loop says nothing about them, /api/stats shows the outage. */
function isConnectionError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /Connection is closed|ECONNREFUSED|ECONNRESET|EPIPE|enableOfflineQueue|MaxRetriesPerRequest/i.test(message);
}
