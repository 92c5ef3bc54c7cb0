// The Redis room: one conversation shared by every server started with the
// same `--room redis://...`, kept in a Redis stream.
//
//   append      XADD stream MAXLEN ~ <limit> * author .. text .. ts ..
//               Redis gives the id; the id is the message's cursor.
//   subscribe   fed by one XREAD BLOCK loop per process (redis-stream-reader.ts),
//               which sees the appends of every server, in stream order.
//   readAfter   from the tail if it holds everything after the cursor, else
//               XRANGE stream (<cursor> + : what comes after the cursor,
//               whichever server gave it out. No sticky sessions.
//
// Why a tail: a long-poll client asks again each time it is answered, and a
// parked request is read for when a message arrives. Sent to Redis, those
// reads make Redis work grow with the clients (200 clients on two servers:
// about 400 commands per message), though this process's reader has already
// fetched every message they want. So the room keeps the last TAIL_MESSAGES
// messages the reader handed over (redis-stream-tail.ts), all of them from
// some id up to the newest id the reader has seen:
//
//   cursor inside that range   answered from memory (nothing newer yet: a long
//                              poll parks, and the reader wakes it as before)
//   cursor older than it       XRANGE: a client that was away
//   cursor newer than it       XRANGE: another server accepted a message our
//                              reader has not read yet; Redis has it (or says
//                              the cursor is ahead of the room)
//   Redis unreachable          XRANGE, which fails: 503, as before
//
// The tail is a copy of what Redis handed over, in order, so its answer is
// what XRANGE would have said a moment earlier: nothing skipped, nothing
// twice. When the reader's connection drops, the Redis it finds again may
// hold another stream (restarted empty): the tail forgets everything and
// starts over where the reader resumes, and a cursor at that very point is
// checked with Redis once more, since only Redis knows if it is still there.
//
// Per message, then: one XADD on the server that accepts it, one XREAD and
// one XLEN (the length for /api/stats) on every server; nothing per client.
//
// When Redis is unreachable, appends and reads throw RoomUnavailableError
// (the shell answers 503) instead of queueing: a client that is told to back
// off can retry, a request queued in a dead connection only hangs. The
// connections reconnect by themselves, and the reader resumes after the last
// entry it delivered, so nothing Redis acknowledged is missed.

import { Redis } from 'ioredis';
import type { Draft, Message, MessagesPage } from '../wire/types.ts';
import {
  compareStreamIds,
  entriesToMessages,
  entryFields,
  formatStreamId,
  infoReply,
  parseStreamId,
  rangeReply,
  type StreamEntry,
  type StreamId,
  type StreamInfo,
} from './redis-stream-entry.ts';
import { StreamReader, type StreamBatch } from './redis-stream-reader.ts';
import { StreamTail } from './redis-stream-tail.ts';
import { CursorError, DEFAULT_HISTORY_LIMIT, MAX_PAGE, RECENT_HISTORY, RoomUnavailableError, type MessageListener, type Room, type RoomHealth } from './room.ts';

/** Newest messages kept in memory to answer re-polls; a client further behind costs one XRANGE. */
const TAIL_MESSAGES = 1000;
export const DEFAULT_STREAM_KEY = 'pollbench:room';
/** A command Redis does not answer within this time fails, so a hung Redis gives 503s rather than hung posts. */
const COMMAND_TIMEOUT_MS = 2000;
/** Reconnect quickly after an outage: this much more per failed attempt, capped below. */
const RECONNECT_STEP_MS = 100;
const MAX_RECONNECT_DELAY_MS = 1000;

export interface RedisRoomOptions {
  /** redis://[user:password@]host:port[/db] */
  url: string;
  /** The stream key: servers with the same URL and key share one room. */
  stream?: string;
  /** Roughly how many messages Redis keeps (MAXLEN ~ trims whole blocks, far cheaper than an exact cut); older cursors report a gap. */
  historyLimit?: number;
}

export class RedisRoom implements Room {
  readonly kind = 'redis';
  private readonly listeners = new Set<MessageListener>();
  private readonly unavailableListeners = new Set<(error: RoomUnavailableError) => void>();
  /** Set when the connection drops, cleared when it is ready again: listeners hear of each outage once. */
  private down = false;
  private closed = false;
  /** The stream's length as Redis last told it: messageCount() must answer without a round trip. */
  private cachedCount = 0;
  /** Counts updates of cachedCount, so a late answer cannot overwrite a newer one. */
  private countUpdates = 0;
  private reconnects = 0;
  private lastError = '';
  private readonly reader: StreamReader;
  private readonly tail: StreamTail;

  /** Connect to Redis and start the reader; rejects when Redis cannot be reached. */
  static async open(options: RedisRoomOptions): Promise<RedisRoom> {
    const commands = new Redis(options.url, {
      lazyConnect: true,
      // Fail at once while disconnected (-> 503) instead of queueing behind a dead connection.
      enableOfflineQueue: false,
      // A post that failed was already answered 503; resending it after a reconnect would store it anyway.
      // Unsent, a command caught in a dropped connection is never answered: the timeout turns that into a 503.
      autoResendUnfulfilledCommands: false,
      commandTimeout: COMMAND_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.min(attempt * RECONNECT_STEP_MS, MAX_RECONNECT_DELAY_MS),
      connectionName: 'pollbench-commands',
    });
    // The blocked XREAD must not time out on the client; through an outage it waits for the reconnect and is
    // sent again (ioredis would otherwise drop it unanswered), asking for the same "after" id: nothing is skipped.
    const readerConnection = commands.duplicate({
      enableOfflineQueue: true,
      autoResendUnfulfilledCommands: true,
      maxRetriesPerRequest: null,
      commandTimeout: undefined,
      connectionName: 'pollbench-reader',
    });
    const room = new RedisRoom(commands, readerConnection, options.stream ?? DEFAULT_STREAM_KEY, options.historyLimit ?? DEFAULT_HISTORY_LIMIT);
    try {
      await Promise.all([commands.connect(), readerConnection.connect()]);
      const info = await room.streamInfo();
      room.setCount(info.length);
      room.reader.start(info.lastGenerated);
    } catch (error) {
      commands.disconnect();
      readerConnection.disconnect();
      // The socket's own error (ECONNREFUSED...) says more than the client's "Connection is closed".
      const why = room.lastError || errorMessage(error);
      throw new RoomUnavailableError(`cannot reach Redis at ${redactPassword(options.url)}: ${why}`, { cause: error });
    }
    return room;
  }

  private constructor(
    private readonly commands: Redis,
    readerConnection: Redis,
    private readonly stream: string,
    private readonly historyLimit: number,
  ) {
    // Never more than Redis keeps (MAXLEN ~ keeps at least historyLimit): the tail answers only what XRANGE would.
    this.tail = new StreamTail(Math.min(TAIL_MESSAGES, historyLimit));
    this.reader = new StreamReader(readerConnection, stream, {
      batch: (batch) => this.onBatch(batch),
      resumingAfter: (id, afterOutage) => this.tail.restart(id, afterOutage),
    });
    // Without 'error' listeners ioredis prints every failed reconnect attempt; /api/stats shows the last one instead.
    commands.on('error', (error: Error) => (this.lastError = error.message));
    readerConnection.on('error', (error: Error) => (this.lastError = error.message));
    commands.on('reconnecting', () => (this.reconnects += 1));
    commands.on('ready', () => {
      this.down = false;
      // Back from an outage: Redis may have restarted empty. The reader's XLEN would say so only after its next XREAD.
      if (this.reconnects > 0) void this.refreshCount();
    });
    commands.on('close', () => this.tellUnavailable());
  }

  async append(draft: Draft): Promise<Message> {
    if (this.closed) throw new Error('the room is closed');
    const ts = Date.now();
    const id = await this.redis('store the message', () =>
      this.commands.xadd(this.stream, 'MAXLEN', '~', this.historyLimit, '*', ...entryFields(draft, ts)),
    );
    if (id === null) throw new RoomUnavailableError('Redis did not store the message');
    // As with the memory room, answer the poster only once this server's subscribers have the message:
    // by the time a 201 goes out, the parked requests here have been woken.
    await this.reader.delivered(id);
    return { id, author: draft.author, text: draft.text, ts };
  }

  async readAfter(cursor: string | undefined): Promise<MessagesPage> {
    if (cursor === undefined) return this.recentHistory();
    const after = parseCursor(cursor);
    // With either connection down, Redis decides (and a dead Redis answers 503, as clients must be told).
    const fromTail = this.connected() ? this.tail.readAfter(after, MAX_PAGE) : undefined;
    return fromTail ?? this.readFromRedis(after, cursor);
  }

  subscribe(listener: MessageListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onUnavailable(listener: (error: RoomUnavailableError) => void): () => void {
    this.unavailableListeners.add(listener);
    return () => this.unavailableListeners.delete(listener);
  }

  messageCount(): number {
    return this.cachedCount;
  }

  health(): RoomHealth {
    const ok = this.connected();
    const health: RoomHealth = { ok, connection: this.commands.status, stream: this.stream, reconnectAttempts: this.reconnects };
    if (!ok && this.lastError) health.lastError = this.lastError;
    return health;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.unavailableListeners.clear();
    await this.reader.stop();
    this.commands.disconnect();
  }

  /** Both connections are up: appends and reads can succeed, and the tail is being fed. */
  private connected(): boolean {
    return this.commands.status === 'ready' && this.reader.connected;
  }

  private onBatch({ messages, lastId, streamLength }: StreamBatch): void {
    this.setCount(streamLength);
    // The tail first: a request woken by a subscriber reads it and must find the message there.
    this.tail.append(messages, lastId);
    this.tellSubscribers(messages);
  }

  private setCount(length: number): void {
    this.cachedCount = length;
    this.countUpdates += 1;
  }

  private async refreshCount(): Promise<void> {
    const updatesBefore = this.countUpdates;
    try {
      const length = await this.commands.xlen(this.stream);
      if (this.countUpdates === updatesBefore) this.setCount(length);
    } catch {
      // Down again already: the next reconnection, or the reader's next XLEN, brings the count.
    }
  }

  private tellSubscribers(messages: Message[]): void {
    for (const message of messages) {
      for (const listener of this.listeners) {
        // One faulty subscriber must not stop the only reader of this process, nor keep the message from the others.
        try {
          listener(message);
        } catch (error) {
          console.error('redis room: a subscriber failed on a message:', error);
        }
      }
    }
  }

  private tellUnavailable(): void {
    if (this.closed || this.down) return;
    this.down = true;
    const error = new RoomUnavailableError(`the room is unavailable: lost the connection to Redis (${this.lastError || 'closed'})`);
    for (const listener of this.unavailableListeners) {
      try {
        listener(error);
      } catch (failure) {
        console.error('redis room: an unavailability listener failed:', failure);
      }
    }
  }

  /** XRANGE after the cursor, with the stream's state to tell a gap or a cursor ahead of the room. */
  private async readFromRedis(after: StreamId, cursor: string): Promise<MessagesPage> {
    const afterText = formatStreamId(after);
    const [range, info] = await this.redis('read the room', async () => {
      const replies = await this.commands
        .pipeline()
        .xrange(this.stream, `(${afterText}`, '+', 'COUNT', MAX_PAGE)
        .xinfo('STREAM', this.stream)
        .exec();
      return [rangeReply(replies?.[0]), infoReply(replies?.[1])] as const;
    });
    this.setCount(info.length);
    if (compareStreamIds(after, info.lastGenerated) > 0) {
      throw new CursorError(`cursor ${cursor} is ahead of the room, whose last message is ${formatStreamId(info.lastGenerated)}`);
    }
    const messages = entriesToMessages(range);
    const last = range.length > 0 ? range[range.length - 1][0] : afterText;
    const page: MessagesPage = { messages, cursor: last };
    // Trimming drops the oldest entries: a cursor before the oldest kept one may have missed some of them.
    if (info.trimmed && compareStreamIds(after, info.firstKept) < 0) page.gap = true;
    return page;
  }

  private async recentHistory(): Promise<MessagesPage> {
    const newestFirst = await this.redis('read the room', () => this.commands.xrevrange(this.stream, '+', '-', 'COUNT', RECENT_HISTORY));
    const newest = newestFirst.length > 0 ? newestFirst[0][0] : formatStreamId((await this.streamInfo()).lastGenerated);
    const messages = entriesToMessages((newestFirst as StreamEntry[]).reverse());
    return { messages, cursor: newest };
  }

  /** Length, oldest id kept, newest id ever given, whether any were trimmed; an absent key is an empty stream. */
  private streamInfo(): Promise<StreamInfo> {
    return this.redis('read the room', async () => {
      try {
        return infoReply([null, await this.commands.xinfo('STREAM', this.stream)]);
      } catch (error) {
        return infoReply([error as Error, null]);
      }
    });
  }

  /** Run a Redis call; any failure to reach Redis becomes a RoomUnavailableError (503). */
  private async redis<T>(doing: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof CursorError) throw error;
      // While reconnecting, the client's own message ("Stream isn't writeable...") would only puzzle a reader.
      const why = this.commands.status === 'ready' ? errorMessage(error) : `not connected (${this.commands.status})`;
      throw new RoomUnavailableError(`the room is unavailable: could not ${doing}; Redis: ${why}`, { cause: error });
    }
  }
}

function parseCursor(cursor: string): StreamId {
  const id = parseStreamId(cursor);
  if (!id) throw new CursorError(`cursor must be a message id like 1764000000000-0, got ${JSON.stringify(cursor.slice(0, 40))}`);
  return id;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function redactPassword(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}
