// The Redis room: one conversation shared by every server started with the
// same `--room redis://...`, kept in a Redis stream.
//
//   append      XADD stream MAXLEN ~ <limit> * author .. text .. ts ..
//               Redis gives the id; the id is the message's cursor.
//   readAfter   XRANGE stream (<cursor> + : exactly what comes after the
//               cursor, whichever server gave it out. No sticky sessions.
//   subscribe   fed by one XREAD BLOCK loop per process (redis-stream-reader.ts),
//               which sees the appends of every server, in stream order.
//
// What it costs per message: one XADD round trip for the server that
// accepts it, one XREAD reply per server, and one XRANGE per distinct
// cursor that a server's clients were waiting at.
//
// When Redis is unreachable, appends and reads throw RoomUnavailableError
// (the shell answers 503) instead of queueing: a client that is told to back
// off can retry, a request queued in a dead connection only hangs. The
// connections reconnect by themselves, and the reader resumes after the last
// entry it delivered, so nothing Redis acknowledged is missed.

import { Redis } from 'ioredis';
import type { Draft, Message, MessagesPage } from '../wire/types.ts';
import {
  STREAM_START,
  compareStreamIds,
  entriesToMessages,
  entryFields,
  formatStreamId,
  parseStreamId,
  type StreamEntry,
  type StreamId,
} from './redis-stream-entry.ts';
import { StreamReader } from './redis-stream-reader.ts';
import { CursorError, RoomUnavailableError, type MessageListener, type Room, type RoomHealth } from './room.ts';

/** Messages a client gets when it arrives without a cursor (as the memory room). */
const RECENT_HISTORY = 100;
/** Most messages one answer carries; a client that is further behind asks again at once. */
const MAX_PAGE = 1000;
/** Messages the stream keeps, roughly (MAXLEN ~ trims whole blocks, which is far cheaper than an exact cut). */
const DEFAULT_HISTORY_LIMIT = 10_000;
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
  /** Roughly how many messages Redis keeps; older cursors report a gap. */
  historyLimit?: number;
}

export class RedisRoom implements Room {
  readonly kind = 'redis';
  private readonly listeners = new Set<MessageListener>();
  private readonly unavailableListeners = new Set<(error: RoomUnavailableError) => void>();
  /** Set when the connection drops, cleared when it is ready again: listeners hear of each outage once. */
  private down = false;
  private closed = false;
  /** Refreshed on every read and counted up by the reader: messageCount() must answer without a round trip. */
  private cachedCount = 0;
  private reconnects = 0;
  private lastError = '';
  private readonly reader: StreamReader;

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
      room.cachedCount = info.length;
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
    this.reader = new StreamReader(readerConnection, stream, (messages) => this.tellSubscribers(messages));
    // Without 'error' listeners ioredis prints every failed reconnect attempt; /api/stats shows the last one instead.
    commands.on('error', (error: Error) => (this.lastError = error.message));
    readerConnection.on('error', (error: Error) => (this.lastError = error.message));
    commands.on('reconnecting', () => (this.reconnects += 1));
    commands.on('ready', () => (this.down = false));
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
    const afterText = formatStreamId(after);
    const [range, info] = await this.redis('read the room', async () => {
      const replies = await this.commands
        .pipeline()
        .xrange(this.stream, `(${afterText}`, '+', 'COUNT', MAX_PAGE)
        .xinfo('STREAM', this.stream)
        .exec();
      return [rangeReply(replies?.[0]), infoReply(replies?.[1])] as const;
    });
    this.cachedCount = info.length;
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
    const ok = this.commands.status === 'ready' && this.reader.connected;
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

  private tellSubscribers(messages: Message[]): void {
    this.cachedCount += messages.length;
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

interface StreamInfo {
  length: number;
  firstKept: StreamId;
  lastGenerated: StreamId;
  /** Whether MAXLEN ~ has dropped entries (more were ever added than are kept). */
  trimmed: boolean;
}

type PipelineReply = [error: Error | null, result: unknown] | undefined;

function rangeReply(reply: PipelineReply): StreamEntry[] {
  if (!reply) throw new Error('no reply to XRANGE');
  if (reply[0]) throw reply[0];
  return reply[1] as StreamEntry[];
}

/** XINFO STREAM answers a flat [name, value, ...] list; "no such key" means nothing was ever posted. */
function infoReply(reply: PipelineReply): StreamInfo {
  if (!reply) throw new Error('no reply to XINFO STREAM');
  const [error, result] = reply;
  if (error) {
    if (/no such key/i.test(error.message)) return { length: 0, firstKept: STREAM_START, lastGenerated: STREAM_START, trimmed: false };
    throw error;
  }
  const fields = result as unknown[];
  const values = new Map<string, unknown>();
  for (let i = 0; i + 1 < fields.length; i += 2) values.set(String(fields[i]), fields[i + 1]);
  const length = Number(values.get('length') ?? 0);
  const firstEntry = values.get('first-entry') as StreamEntry | null | undefined;
  return {
    length,
    firstKept: (firstEntry && parseStreamId(firstEntry[0])) || STREAM_START,
    lastGenerated: parseStreamId(String(values.get('last-generated-id'))) ?? STREAM_START,
    // Redis before 7.0 does not count entries added: no gap can be seen there.
    trimmed: Number(values.get('entries-added') ?? length) > length,
  };
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
