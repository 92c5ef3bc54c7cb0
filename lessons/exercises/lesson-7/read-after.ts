// YOUR COPY of "what comes after this cursor?" asked of a Redis stream, for
// exercise 5 of lesson 7.
//
// Every server of the shared room answers a client's ?since=<cursor> the
// same way: it asks Redis for the stream entries after that id. The cursor
// is a stream id ("1764000000000-0"), so the answer is the same whichever
// server asks, and whichever server gave the cursor out.
//
// As it stands, readAfter reads the whole stream, whatever the cursor: a
// client would see the conversation again from the start with every answer.
//
// The exercise (lessons/exercises/lesson-7/problem.md):
//   TODO 1. Return only the messages after `cursor`, the cursor's own
//           entry excluded: XRANGE's start can be exclusive, `(` + id.
//   TODO 2. Read in pages of at most `pageSize` entries (XRANGE ... COUNT),
//           asking again after the last id of a full page, until a page
//           comes back short. A busy stream never arrives in one huge reply.
//
// Check your work with: npm run lesson -- verify 7

import type { Redis } from 'ioredis';
import { entriesToMessages, type StreamEntry } from '../../../room/redis-stream-entry.ts';
import type { Message } from '../../../wire/types.ts';

/**
 * The messages of `stream` after `cursor`, oldest first.
 * @param cursor a stream id; "0-0" means "from the very start"
 * @param pageSize the most entries one XRANGE may return
 */
export async function readAfter(redis: Redis, stream: string, cursor: string, pageSize: number): Promise<Message[]> {
  const entries = (await redis.xrange(stream, '-', '+')) as StreamEntry[];
  return entriesToMessages(entries);
}
