// Picks the room from the command line's `--room`:
//
//   (absent) or "memory"                  undefined: the shell builds its default room
//   redis://127.0.0.1:6379                a Redis room on the stream "pollbench:room"
//   redis://host:6379/2?stream=class-b    database 2, stream "class-b"
//   ...&history=50000                     keep about 50,000 messages instead of 10,000
//
// Every server given the same URL and stream shares one conversation.

import { DEFAULT_STREAM_KEY, RedisRoom } from './redis-room.ts';
import type { Room } from './room.ts';

/** Query parameters that are ours, not the Redis client's: they are taken off the URL before connecting. */
const STREAM_PARAM = 'stream';
const HISTORY_PARAM = 'history';

export async function openRoom(spec: string | undefined): Promise<Room | undefined> {
  if (spec === undefined || spec === '' || spec === 'memory') return undefined;
  if (!/^rediss?:\/\//.test(spec)) {
    throw new Error(`--room must be "memory" or a redis:// URL such as redis://127.0.0.1:6379, got ${JSON.stringify(spec.slice(0, 80))}`);
  }
  const url = new URL(spec);
  const stream = url.searchParams.get(STREAM_PARAM) || DEFAULT_STREAM_KEY;
  const history = url.searchParams.get(HISTORY_PARAM);
  const historyLimit = history === null ? undefined : Number(history);
  if (historyLimit !== undefined && !(Number.isInteger(historyLimit) && historyLimit > 0)) {
    throw new Error(`?${HISTORY_PARAM}= must be a whole number of messages above 0, got ${JSON.stringify(history)}`);
  }
  url.searchParams.delete(STREAM_PARAM);
  url.searchParams.delete(HISTORY_PARAM);
  return RedisRoom.open({ url: url.toString(), stream, historyLimit });
}
