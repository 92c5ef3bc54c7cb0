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
import { say } from '../language.ts';
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
    const hint = say('keep `export async function readAfter(redis, stream, cursor, pageSize)`', '保留 `export async function readAfter(redis, stream, cursor, pageSize)`');
    return { outcomes: [{ check: say('the file exports readAfter', '文件导出了 readAfter'), passed: false, hint }], notes: [] };
  }
  if (redisServerVersion() === null) {
    const hint = say(
      'redis-server is not installed: sudo apt-get install -y redis-server (on a Mac: brew install redis)',
      '没有安装 redis-server：sudo apt-get install -y redis-server（Mac 上：brew install redis）',
    );
    return { outcomes: [{ check: say('a private redis-server can be started', '能启动一个私有的 redis-server'), passed: false, hint }], notes: [] };
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
    const check = say("returns the messages after the cursor, in order, without the cursor's own", '按顺序返回游标之后的消息，不含游标本身那条');
    const cases = [
      { cursor: '0-0', expected: first },
      { cursor: first[1], expected: first.slice(2) },
      { cursor: first.at(-1)!, expected: [] },
    ];
    for (const { cursor, expected } of cases) {
      const read = await this.read(this.reader, cursor, PAGE_SIZE);
      if ('problem' in read) return { check, passed: false, hint: read.problem };
      if (sameIds(read.ids, expected)) continue;
      const [returned, wanted] = [describeIds(read.ids, this.ids), describeIds(expected, this.ids)];
      const seen = say(`after ${cursor} it returned ${returned}; expected ${wanted}.`, `在 ${cursor} 之后，它返回了${returned}；应当是${wanted}。`);
      let fix = say('Start the XRANGE just after the cursor (TODO 1).', 'XRANGE 要从游标之后开始（TODO 1）。');
      if (read.ids.length === this.ids.length && cursor !== '0-0') {
        fix = say("That is the whole stream: XRANGE from '-' ignores the cursor. Start at the cursor instead (TODO 1).", "这是整个流：从 '-' 开始的 XRANGE 忽略了游标。改为从游标开始（TODO 1）。");
      } else if (read.ids.includes(cursor)) {
        fix = say(
          `The cursor's own message came back: XRANGE's start is inclusive, unless you write it \`(\${cursor}\` (TODO 1).`,
          `游标本身那条消息也返回了：XRANGE 的起点是包含在内的，除非写成 \`(\${cursor}\`（TODO 1）。`,
        );
      }
      return { check, passed: false, hint: `${seen}\n${fix}` };
    }
    return { check, passed: true };
  }

  async readsInPages(cursor: string): Promise<CheckOutcome> {
    const check = say(`reads a long stretch in pages of pageSize (${PAGE_SIZE} here), with XRANGE ... COUNT`, `用 XRANGE ... COUNT 按 pageSize（这里是 ${PAGE_SIZE}）分页读取一长段消息`);
    const added = await this.post(this.reader, PAGED_MESSAGES, 'paged');
    for (const { from, expected } of [{ from: cursor, expected: added }, { from: '0-0', expected: this.ids.slice() }]) {
      await this.admin.config('RESETSTAT');
      const read = await this.read(this.reader, from, PAGE_SIZE);
      if ('problem' in read) return { check, passed: false, hint: read.problem };
      const calls = await this.xrangeCalls();
      const fewest = Math.ceil(expected.length / PAGE_SIZE);
      const seen = say(
        `after ${from}: ${expected.length} messages to read, ${read.ids.length} returned, in ${calls} XRANGE.`,
        `在 ${from} 之后：应读 ${expected.length} 条消息，返回了 ${read.ids.length} 条，用了 ${calls} 次 XRANGE。`,
      );
      if (!sameIds(read.ids, expected)) {
        const fix =
          read.ids.length === PAGE_SIZE
            ? say('It stopped after one page: when a page comes back full, ask again after its last id (TODO 2).', '它读完一页就停了：一页满载返回时，要从这一页最后一个 id 之后再问一次（TODO 2）。')
            : say('Every message after the cursor, once, in order: compare with the first check.', '游标之后的每条消息，恰好一次、按顺序：对照第一项检查。');
        return { check, passed: false, hint: `${seen}\n${fix}` };
      }
      if (calls < fewest) {
        const fix = say(
          `One reply held more than ${PAGE_SIZE} entries: pass 'COUNT', pageSize to XRANGE, and ask for the next page after the last id (TODO 2).`,
          `有一次回复多于 ${PAGE_SIZE} 条：给 XRANGE 传入 'COUNT', pageSize，并从最后一个 id 之后请求下一页（TODO 2）。`,
        );
        return { check, passed: false, hint: `${seen}\n${fix}` };
      }
      if (calls > fewest + 1) {
        const fix = say(
          `${fewest} pages would do (${fewest + 1} if the last one comes back empty): is each page asking from the last id of the one before?`,
          `${fewest} 页就够了（如果最后一页返回空，则是 ${fewest + 1} 页）：每一页是不是都从上一页的最后一个 id 开始请求？`,
        );
        return { check, passed: false, hint: `${seen}\n${fix}` };
      }
    }
    return { check, passed: true };
  }

  /** Two servers take turns: one posts, the other reads after the last id it received, with the cursor the first handed out. */
  async readsOnceAcrossServers(serverA: Redis, serverB: Redis): Promise<CheckOutcome> {
    const check = say(
      'a cursor handed out by one server reads on the other: each message once, in order, while both post',
      '一台服务器给出的游标能在另一台上读取：两台都在发送消息时，每条消息恰好一次、按顺序',
    );
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
    const problems = [];
    if (twice.length > 0) problems.push(say(`${twice.length} read twice`, `${twice.length} 条读了两次`));
    if (missing.length > 0) problems.push(say(`${missing.length} never read`, `${missing.length} 条从未读到`));
    const what = problems.length > 0 ? problems.join(say(', ', '，')) : say('out of order', '顺序错乱');
    const hint = say(
      `${expected.length} messages posted over ${ROUNDS.length} rounds, alternately on each server; ${received.length} read: ${what}.\nEach read starts after the id of the last message the previous read returned.`,
      `${ROUNDS.length} 轮中在两台服务器上交替发送了 ${expected.length} 条消息；读到 ${received.length} 条：${what}。\n每次读取都从上一次读取返回的最后一条消息的 id 之后开始。`,
    );
    return { check, passed: false, hint };
  }

  /** The student's readAfter, bounded in time; the ids it returned, or what went wrong. */
  private async read(redis: Redis, cursor: string, pageSize: number): Promise<{ ids: string[] } | { problem: string }> {
    const clock = new AbortController();
    const timeout = sleep(READ_LIMIT_MS, 'timeout' as const, { signal: clock.signal }).catch(() => 'cancelled' as const);
    const call = `readAfter(redis, stream, "${cursor}", ${pageSize})`;
    try {
      const result = await Promise.race([this.readAfter(redis, STREAM, cursor, pageSize), timeout]);
      if (result === 'timeout') {
        return { problem: say(`${call} did not return within ${READ_LIMIT_MS} ms: does your loop end when a page comes back short?`, `${call} 在 ${READ_LIMIT_MS} ms 内没有返回：一页不满时，你的循环会结束吗？`) };
      }
      if (!Array.isArray(result)) return { problem: say(`readAfter returned ${JSON.stringify(result)}, not a list of messages`, `readAfter 返回了 ${JSON.stringify(result)}，而不是消息列表`) };
      return { ids: result.map((message) => message.id) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { problem: say(`${call} threw "${message}"`, `${call} 抛出了“${message}”`) };
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

/** "messages 3 to 5 (3)", or "nothing": positions in the stream read better than stream ids. */
function describeIds(ids: string[], all: string[]): string {
  if (ids.length === 0) return say('nothing', '空列表');
  const positions = ids.map((id) => all.indexOf(id) + 1);
  const contiguous = positions.every((position, index) => index === 0 || position === positions[index - 1] + 1);
  const [first, last] = [positions[0], positions.at(-1)];
  if (contiguous && ids.length === 1) return say(`message ${first}`, `第 ${first} 条消息`);
  if (contiguous) return say(`messages ${first} to ${last} (${ids.length})`, `第 ${first} 到 ${last} 条消息（共 ${ids.length} 条）`);
  return say(`messages ${positions.join(', ')}`, `第 ${positions.join('、')} 条消息`);
}
