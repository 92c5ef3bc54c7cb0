// Checks exercise 5 of lesson 7: readAfter(), "what comes after this
// cursor?", asked of a real Redis stream.
//
// It starts a private redis-server on a free port (Debian's redis-server;
// nothing touches a Redis the machine runs), writes messages into a stream
// the way the Redis room does (room/redis-stream-entry.ts), and calls the
// student's readAfter through two connections, standing for two servers of
// one room. Redis's own counters (INFO commandstats) tell how many XRANGE
// the reads took.

import { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { redisServerVersion, startRedisServer } from '../../bench/redis-server.ts';
import { entryFields } from '../../room/redis-stream-entry.ts';
import type { Message } from '../../wire/types.ts';
import type { CheckOutcome } from './outcome.ts';

const STREAM = 'lesson-7:room';
/** The page size the checks pass, small so that a few dozen messages take several pages. */
const PAGE_SIZE = 10;
/** A read that takes longer than this is stuck (a paging loop that never ends). */
const READ_LIMIT_MS = 3000;
/** Messages posted before the paging check, in rounds of the two-server check. */
const FIRST_MESSAGES = 5;
const PAGED_MESSAGES = 25;
const ROUNDS = [3, 0, 12, 1, 10, 7];
const ROUND_PAGE_SIZE = 5;

type ReadAfter = (redis: Redis, stream: string, cursor: string, pageSize: number) => Promise<Message[]>;

export async function checkReadAfter(module: Record<string, unknown>): Promise<{ outcomes: CheckOutcome[]; notes: string[] }> {
  const readAfter = module.readAfter as ReadAfter | undefined;
  if (typeof readAfter !== 'function') {
    return { outcomes: [{ check: 'the file exports readAfter', passed: false, hint: 'keep `export async function readAfter(redis, stream, cursor, pageSize)`' }], notes: [] };
  }
  if (redisServerVersion() === null) {
    return { outcomes: [{ check: 'a private redis-server can be started', passed: false, hint: 'redis-server is not installed: sudo apt-get install -y redis-server (on a Mac: brew install redis)' }], notes: [] };
  }
  const redis = await startRedisServer(null);
  // Two connections stand for two servers of one room; a third reads Redis's counters.
  const serverA = new Redis(redis.url, { connectionName: 'lesson-7-server-a' });
  const serverB = new Redis(redis.url, { connectionName: 'lesson-7-server-b' });
  const admin = new Redis(redis.url, { connectionName: 'lesson-7-checker' });
  try {
    const room = new StreamRoom(serverA, readAfter, admin);
    const first = await room.post(serverA, FIRST_MESSAGES, 'first');
    const outcomes = [await room.readsAfterACursor(first), await room.readsInPages(first.at(-1)!)];
    outcomes.push(await room.readsOnceAcrossServers(serverA, serverB));
    return { outcomes, notes: [] };
  } finally {
    for (const connection of [serverA, serverB, admin]) connection.disconnect();
    await redis.stop();
  }
}

/** The stream, what has been posted to it, and the student's reads of it. */
class StreamRoom {
  /** Every id posted so far, in stream order. */
  private readonly ids: string[] = [];

  constructor(
    private readonly reader: Redis,
    private readonly readAfter: ReadAfter,
    private readonly admin: Redis,
  ) {}

  /** XADD `count` messages through `server`, encoded as the Redis room encodes them; returns their ids. */
  async post(server: Redis, count: number, label: string): Promise<string[]> {
    const added: string[] = [];
    for (let i = 1; i <= count; i++) {
      const id = await server.xadd(STREAM, '*', ...entryFields({ author: 'ann', text: `${label} ${i}` }, Date.now()));
      added.push(id!);
    }
    this.ids.push(...added);
    return added;
  }

  async readsAfterACursor(first: string[]): Promise<CheckOutcome> {
    const check = "returns the messages after the cursor, in order, without the cursor's own";
    const cases = [
      { cursor: '0-0', expected: first },
      { cursor: first[1], expected: first.slice(2) },
      { cursor: first.at(-1)!, expected: [] },
    ];
    for (const { cursor, expected } of cases) {
      const read = await this.read(this.reader, cursor, PAGE_SIZE);
      if ('problem' in read) return { check, passed: false, hint: read.problem };
      if (sameIds(read.ids, expected)) continue;
      const seen = `after ${cursor} it returned ${describeIds(read.ids, this.ids)}; expected ${describeIds(expected, this.ids)}.`;
      let fix = 'Start the XRANGE just after the cursor (TODO 1).';
      if (read.ids.length === this.ids.length && cursor !== '0-0') fix = "That is the whole stream: XRANGE from '-' ignores the cursor. Start at the cursor instead (TODO 1).";
      else if (read.ids.includes(cursor)) fix = `The cursor's own message came back: XRANGE's start is inclusive, unless you write it \`(\${cursor}\` (TODO 1).`;
      return { check, passed: false, hint: `${seen}\n${fix}` };
    }
    return { check, passed: true };
  }

  async readsInPages(cursor: string): Promise<CheckOutcome> {
    const check = `reads a long stretch in pages of pageSize (${PAGE_SIZE} here), with XRANGE ... COUNT`;
    const added = await this.post(this.reader, PAGED_MESSAGES, 'paged');
    for (const { from, expected } of [{ from: cursor, expected: added }, { from: '0-0', expected: this.ids.slice() }]) {
      await this.admin.config('RESETSTAT');
      const read = await this.read(this.reader, from, PAGE_SIZE);
      if ('problem' in read) return { check, passed: false, hint: read.problem };
      const calls = await this.xrangeCalls();
      const fewest = Math.ceil(expected.length / PAGE_SIZE);
      const seen = `after ${from}: ${expected.length} messages to read, ${read.ids.length} returned, in ${calls} XRANGE.`;
      if (!sameIds(read.ids, expected)) {
        const fix = read.ids.length === PAGE_SIZE ? 'It stopped after one page: when a page comes back full, ask again after its last id (TODO 2).' : 'Every message after the cursor, once, in order: compare with the first check.';
        return { check, passed: false, hint: `${seen}\n${fix}` };
      }
      if (calls < fewest) return { check, passed: false, hint: `${seen}\nOne reply held more than ${PAGE_SIZE} entries: pass 'COUNT', pageSize to XRANGE, and ask for the next page after the last id (TODO 2).` };
      if (calls > fewest + 1) return { check, passed: false, hint: `${seen}\n${fewest} pages would do (${fewest + 1} if the last one comes back empty): is each page asking from the last id of the one before?` };
    }
    return { check, passed: true };
  }

  /** Two servers take turns: one posts, the other reads after the last id it received, with the cursor the first handed out. */
  async readsOnceAcrossServers(serverA: Redis, serverB: Redis): Promise<CheckOutcome> {
    const check = 'a cursor handed out by one server reads on the other: each message once, in order, while both post';
    let cursor = this.ids.at(-1)!;
    const expected: string[] = [];
    const received: string[] = [];
    for (const [round, count] of ROUNDS.entries()) {
      const [poster, reader] = round % 2 === 0 ? [serverA, serverB] : [serverB, serverA];
      expected.push(...(await this.post(poster, count, `round ${round + 1}`)));
      const read = await this.read(reader, cursor, ROUND_PAGE_SIZE);
      if ('problem' in read) return { check, passed: false, hint: read.problem };
      received.push(...read.ids);
      cursor = read.ids.at(-1) ?? cursor; // nothing new: ask again from the same place
    }
    if (sameIds(received, expected)) return { check, passed: true };
    const twice = received.filter((id, index) => received.indexOf(id) !== index);
    const missing = expected.filter((id) => !received.includes(id));
    const what = [twice.length > 0 ? `${twice.length} read twice` : '', missing.length > 0 ? `${missing.length} never read` : ''].filter(Boolean).join(', ') || 'out of order';
    return { check, passed: false, hint: `${expected.length} messages posted over ${ROUNDS.length} rounds, alternately on each server; ${received.length} read: ${what}.\nEach read starts after the id of the last message the previous read returned.` };
  }

  /** The student's readAfter, bounded in time; the ids it returned, or what went wrong. */
  private async read(redis: Redis, cursor: string, pageSize: number): Promise<{ ids: string[] } | { problem: string }> {
    const clock = new AbortController();
    const timeout = sleep(READ_LIMIT_MS, 'timeout' as const, { signal: clock.signal }).catch(() => 'cancelled' as const);
    try {
      const result = await Promise.race([this.readAfter(redis, STREAM, cursor, pageSize), timeout]);
      if (result === 'timeout') return { problem: `readAfter(redis, stream, "${cursor}", ${pageSize}) did not return within ${READ_LIMIT_MS} ms: does your loop end when a page comes back short?` };
      if (!Array.isArray(result)) return { problem: `readAfter returned ${JSON.stringify(result)}, not a list of messages` };
      return { ids: result.map((message) => message.id) };
    } catch (error) {
      return { problem: `readAfter(redis, stream, "${cursor}", ${pageSize}) threw "${error instanceof Error ? error.message : String(error)}"` };
    } finally {
      clock.abort(); // the read is over: no timer left to keep the process alive
    }
  }

  /** XRANGE calls since the last CONFIG RESETSTAT, from INFO commandstats. */
  private async xrangeCalls(): Promise<number> {
    const info = await this.admin.info('commandstats');
    return Number(/cmdstat_xrange:calls=(\d+)/.exec(info)?.[1] ?? 0);
  }
}

function sameIds(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((id, index) => id === b[index]);
}

/** "messages 3 to 5 of the stream", or "nothing": positions read better than stream ids. */
function describeIds(ids: string[], all: string[]): string {
  if (ids.length === 0) return 'nothing';
  const positions = ids.map((id) => all.indexOf(id) + 1);
  const contiguous = positions.every((position, index) => index === 0 || position === positions[index - 1] + 1);
  if (contiguous) return ids.length === 1 ? `message ${positions[0]}` : `messages ${positions[0]} to ${positions.at(-1)} (${ids.length})`;
  return `messages ${positions.join(', ')}`;
}
