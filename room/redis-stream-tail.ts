// The newest messages of the Redis stream, as this process's reader handed
// them over, kept so that re-polls can be answered without asking Redis.
//
//   stream in Redis:   ... 16  17  18  19  20  21  22  23 ...
//   the tail:                      18  19  20  21
//                              ^               ^
//                      coveredFrom = 17    newest = 21   (22, 23: not read yet)
//
// The tail vouches for one range of ids: every entry after `coveredFrom` up to
// `newest` is in it, because the reader reads the stream in order and skips
// nothing. A cursor in that range is answered from here; any other cursor is
// not (readAfter returns undefined) and the room asks Redis instead.
// Keeping only the last `capacity` messages moves `coveredFrom` forward.
//
// After an outage, a cursor exactly where the reader resumes goes to Redis
// too: that is where the reader was before Redis went away, and only Redis can
// say whether it is still a place in the stream (a Redis that restarted empty
// says it is not). At start, the point comes from Redis itself (XINFO).

import type { Message, MessagesPage } from '../wire/types.ts';
import { STREAM_START, compareStreamIds, formatStreamId, parseStreamId, type StreamId } from './redis-stream-entry.ts';

interface Kept {
  id: StreamId;
  message: Message;
}

export class StreamTail {
  /** Oldest first; every message with an id after `coveredFrom`, up to `newest`. */
  private kept: Kept[] = [];
  private coveredFrom: StreamId = STREAM_START;
  /** Whether `coveredFrom` is known to be a place in the stream Redis holds now (not so right after an outage). */
  private coveredFromConfirmed = false;
  /** The id of the last entry the reader read (which may be an entry that is not a message). */
  private newest: StreamId = STREAM_START;

  constructor(private readonly capacity: number) {}

  /** Forget every message: from now on the tail covers only what the reader reads after `after`. */
  restart(after: StreamId, afterOutage: boolean): void {
    this.kept = [];
    this.coveredFrom = after;
    this.coveredFromConfirmed = !afterOutage;
    this.newest = after;
  }

  /** The reader's next batch: the messages among the entries that directly follow `newest`, up to the entry `lastId`. */
  append(messages: Message[], lastId: StreamId): void {
    for (const message of messages) {
      const id = parseStreamId(message.id);
      if (id) this.kept.push({ id, message });
    }
    this.newest = lastId;
    const excess = this.kept.length - this.capacity;
    if (excess > 0) {
      // A message the reader read: a place in the stream.
      this.coveredFrom = this.kept.splice(0, excess)[excess - 1].id;
      this.coveredFromConfirmed = true;
    }
  }

  /** The messages after `cursor`, at most `maxPage`; undefined when the tail cannot vouch for all of them. */
  readAfter(cursor: StreamId, maxPage: number): MessagesPage | undefined {
    const fromCovered = compareStreamIds(cursor, this.coveredFrom);
    if (fromCovered < 0 || (fromCovered === 0 && !this.coveredFromConfirmed) || compareStreamIds(cursor, this.newest) > 0) return undefined;
    const start = this.indexAfter(cursor);
    const page = this.kept.slice(start, start + maxPage).map((kept) => kept.message);
    // The whole rest of the tail: the client is now as far as the reader. A cut page: it asks again from its last message.
    const cursorAfter = start + page.length === this.kept.length ? formatStreamId(this.newest) : page[page.length - 1].id;
    return { messages: page, cursor: cursorAfter };
  }

  /** Index of the first kept message with an id after `cursor`. */
  private indexAfter(cursor: StreamId): number {
    let low = 0;
    let high = this.kept.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareStreamIds(this.kept[middle].id, cursor) <= 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
