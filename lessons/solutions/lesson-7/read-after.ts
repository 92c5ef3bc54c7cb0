// "What comes after this cursor?" asked of a Redis stream: the reference
// solution of exercise 5 of lesson 7 (lessons/exercises/lesson-7/problem.md).
//
// XRANGE with an exclusive start, `(<id>`, returns the entries after the
// cursor and never the cursor's own, so a client that sends back the id of
// the last message it got receives each message once. COUNT keeps each
// reply small; the next page starts after the last id of the previous one.

import type { Redis } from 'ioredis';
import { entriesToMessages, type StreamEntry } from '../../../room/redis-stream-entry.ts';
import type { Message } from '../../../wire/types.ts';

/**
 * The messages of `stream` after `cursor`, oldest first.
 * @param cursor a stream id; "0-0" means "from the very start"
 * @param pageSize the most entries one XRANGE may return
 */
export async function readAfter(redis: Redis, stream: string, cursor: string, pageSize: number): Promise<Message[]> {
  const messages: Message[] = [];
  let after = cursor;
  for (;;) {
    const page = (await redis.xrange(stream, `(${after}`, '+', 'COUNT', pageSize)) as StreamEntry[];
    messages.push(...entriesToMessages(page));
    // A short page is the end of the stream; a full one may have more behind it.
    if (page.length < pageSize) return messages;
    after = page[page.length - 1][0];
  }
}
