// Picks the room from the command line's `--room`:
//
//   (absent) or "memory"                  the in-memory room, logged to <dataDir>/messages.jsonl
//   redis://127.0.0.1:6379                a Redis room on the stream "pollbench:room"
//   redis://host:6379/2?stream=class-b    database 2, stream "class-b"
//   ...&history=50000                     keep about 50,000 messages instead of --history
//
// Every server given the same URL and stream shares one conversation.

import { openPersistentMemoryRoom } from './memory-room.ts';
import { DEFAULT_HISTORY_LIMIT, type Room } from './room.ts';

/** Query parameters that are ours, not the Redis client's: they are taken off the URL before connecting. */
const STREAM_PARAM = 'stream';
const HISTORY_PARAM = 'history';

export interface OpenRoomOptions {
  /** Where the memory room keeps its log (./data by default, as `npm start` has it). */
  dataDir?: string;
  /** Messages the room keeps (--history); a Redis URL's ?history= overrides it. */
  historyLimit?: number;
}

export async function openRoom(spec: string | undefined, { dataDir = 'data', historyLimit = DEFAULT_HISTORY_LIMIT }: OpenRoomOptions = {}): Promise<Room> {
  if (spec === undefined || spec === '' || spec === 'memory') return openPersistentMemoryRoom(dataDir, historyLimit);
  if (!/^rediss?:\/\//.test(spec)) {
    throw new Error(`--room must be "memory" or a redis:// URL such as redis://127.0.0.1:6379, got ${JSON.stringify(spec.slice(0, 80))}`);
  }
  // Loaded only when asked for: a memory room's server then carries no Redis client in its heap.
  const { DEFAULT_STREAM_KEY, RedisRoom } = await import('./redis-room.ts');
  const url = new URL(spec);
  const stream = url.searchParams.get(STREAM_PARAM) || DEFAULT_STREAM_KEY;
  const history = url.searchParams.get(HISTORY_PARAM);
  const streamHistoryLimit = history === null ? historyLimit : Number(history);
  if (!(Number.isInteger(streamHistoryLimit) && streamHistoryLimit > 0)) {
    throw new Error(`?${HISTORY_PARAM}= must be a whole number of messages above 0, got ${JSON.stringify(history)}`);
  }
  url.searchParams.delete(STREAM_PARAM);
  url.searchParams.delete(HISTORY_PARAM);
  return RedisRoom.open({ url: url.toString(), stream, historyLimit: streamHistoryLimit });
}
