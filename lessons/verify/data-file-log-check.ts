// Checks lesson 3's exercise: the data-file long poll, with the file turned
// into a log (each message appended as a line) and a byte offset in it as
// the cursor. It mounts the student's copy alone in a real server on a free
// port and speaks HTTP to it, like any client:
//   - two posts in the same second both arrive (the mtime cursor lost one);
//   - a burst of posts arrives once each, in order, to a client waiting
//     while they go in and to one asking afterwards (the overwrite lost them);
//   - a cursor that is not a byte offset in the file is refused with a 400;
//   - a waiting request is still a stat loop: the flaw that remains.

import { setTimeout as sleep } from 'node:timers/promises';
import { say } from '../language.ts';
import { becomesTrue, NO_ANSWER_AFTER_MS, post, receive } from './http-client.ts';
import { askForMessages, compareDeliveries, didNotStart, exportedStrategy, guarded, listed, strategyStats, withCheckServer } from './check-server.ts';
import type { CheckOutcome } from './outcome.ts';

/** Quick file checks keep the whole run to a few seconds. */
const CHECK_EVERY_MS = 20;
/** Tries at posting two messages inside one wall-clock second. */
const SAME_SECOND_ATTEMPTS = 3;
const BURST_SIZE = 5;
/** A refused cursor is answered at once; a held one is not. This long tells the two apart. */
const REFUSAL_LIMIT_MS = 1500;
/** Stats of the file one waiting request must be seen making. */
const STAT_LOOP_CHECKS = 10;
/** The strategy's own default between two stats, for the note's figures. */
const DEFAULT_CHECK_EVERY_MS = 100;

/**
 * The checks, in the order they are reported, in the runner's language. A
 * function, not a constant: the language is chosen after this module loads.
 */
function checks() {
  return {
    delivers: say('delivers a posted message to a client asking with its cursor', '把发送的消息投递给带着游标请求的客户端'),
    sameSecond: say('delivers a second message posted in the same second as the one the client just got', '投递第二条消息，它与客户端刚收到的那条在同一秒内发送'),
    burst: say(
      `delivers a burst of ${BURST_SIZE} posts once each, in order, to a client waiting while they go in and to one asking afterwards`,
      `把连续发送的 ${BURST_SIZE} 条消息恰好一次、按顺序投递给发送期间正在等待的客户端，以及之后才请求的客户端`,
    ),
    badCursors: say('refuses a cursor that is not digits, or past the end of the file, with 400 and a JSON error', '拒绝不是数字或超出文件末尾的游标，回答 400 和一个 JSON 错误'),
    statLoop: say('still watches the file: a waiting request stats it every mtime-check-ms (fileChecks grows)', '仍在监视文件：一个等待中的请求每隔 mtime-check-ms 就 stat 一次文件（fileChecks 增长）'),
  };
}

export async function checkDataFileLog(module: Record<string, unknown>): Promise<{ outcomes: CheckOutcome[]; notes: string[] }> {
  const strategy = exportedStrategy(module, 'longPollMtime');
  if (!strategy) {
    const hint = say('keep the line `export const longPollMtime: Strategy = { ... }`', '保留 `export const longPollMtime: Strategy = { ... }` 这一行');
    return { outcomes: [{ check: say('the file exports the strategy', '文件导出了策略'), passed: false, hint }], notes: [] };
  }
  try {
    return await withCheckServer(strategy, { settings: { mtimeCheckMs: CHECK_EVERY_MS } }, async (shell) => {
      const log = new LogChecker(shell.url, strategy.name);
      const names = checks();
      const outcomes = [
        await guarded(names.delivers, () => log.deliversAMessage()),
        await guarded(names.sameSecond, () => log.deliversASameSecondMessage()),
        await guarded(names.burst, () => log.deliversABurst()),
        await guarded(names.badCursors, () => log.refusesBadCursors()),
      ];
      const notes: string[] = [];
      outcomes.push(await guarded(names.statLoop, () => log.stillStatsTheFile(notes)));
      return { outcomes, notes };
    });
  } catch (error) {
    return { outcomes: [didNotStart(error)], notes: [] };
  }
}

class LogChecker {
  constructor(
    private readonly url: string,
    private readonly strategy: string,
  ) {}

  async deliversAMessage(): Promise<CheckOutcome> {
    const check = checks().delivers;
    const start = await this.endOfFile();
    await post(this.url, this.strategy, 'ann', 'hello');
    const got = await this.follow(start, 'hello');
    if (got.texts.includes('hello')) return { check, passed: true };
    const hint = say(
      `posted "hello", then asked with ?since=${start} and got ${listed(got.texts)}${got.problem}.\nStart by undoing your last change; compare with lessons/solutions/lesson-3/ only if you are stuck.`,
      `发送了 "hello"，然后用 ?since=${start} 请求，收到：${listed(got.texts)}${got.problem}。\n先撤销你最近的修改；实在卡住了，再对照 lessons/solutions/lesson-3/。`,
    );
    return { check, passed: false, hint };
  }

  async deliversASameSecondMessage(): Promise<CheckOutcome> {
    const check = checks().sameSecond;
    for (let attempt = 1; attempt <= SAME_SECOND_ATTEMPTS; attempt++) {
      await sleep(1000 - (Date.now() % 1000) + 5); // just after a second starts: both posts fit in it
      const start = await this.endOfFile();
      const first = await post(this.url, this.strategy, 'ann', `first ${attempt}`);
      const got = await this.follow(start, `first ${attempt}`);
      if (!got.texts.includes(`first ${attempt}`)) {
        return { check, passed: false, hint: say(`"first ${attempt}" itself never arrived (got ${listed(got.texts)}${got.problem}).`, `"first ${attempt}" 本身就没有到达（收到：${listed(got.texts)}${got.problem}）。`) };
      }
      const second = await post(this.url, this.strategy, 'ann', `second ${attempt}`);
      if (Math.floor(first.body.ts / 1000) !== Math.floor(second.body.ts / 1000)) continue; // a new second began between the posts: try again

      const after = await this.follow(got.cursor, `second ${attempt}`);
      if (after.texts.includes(`second ${attempt}`)) return { check, passed: true };
      return {
        check,
        passed: false,
        hint: say(
          `"second ${attempt}" was posted in the same second as "first ${attempt}" and never reached a client asking with ?since=${got.cursor}${after.problem}.\n` +
            'A cursor that is a time in whole seconds cannot tell the two apart. Make it a place in the file:\n' +
            "currentCursor() returns the file's size in bytes (TODO 3), and readDataFile() the lines after the cursor (TODO 4).",
          `"second ${attempt}" 与 "first ${attempt}" 在同一秒内发送，却始终没有到达用 ?since=${got.cursor} 请求的客户端${after.problem}。\n` +
            '以整秒计的时间作为游标，无法区分这两条消息。把游标改成文件中的位置：\n' +
            'currentCursor() 返回文件的字节数（TODO 3），readDataFile() 返回游标之后的各行（TODO 4）。',
        ),
      };
    }
    const hint = say(
      `could not post two messages within one second in ${SAME_SECOND_ATTEMPTS} tries: is this machine very busy? Run verify again.`,
      `试了 ${SAME_SECOND_ATTEMPTS} 次，都没能在一秒之内发送两条消息：这台机器是不是很忙？请再运行一次 verify。`,
    );
    return { check, passed: false, hint };
  }

  async deliversABurst(): Promise<CheckOutcome> {
    const check = checks().burst;
    const start = await this.endOfFile();
    // Not only ASCII: an offset counts bytes, and é is two of them.
    const texts = [...Array.from({ length: BURST_SIZE }, (_, index) => `burst ${index + 1} (café)`), 'end of burst'];
    const waiting = this.follow(start, texts.at(-1)!); // asks, and asks again after each answer, while the posts go in
    for (const text of texts) await post(this.url, this.strategy, 'bob', text);
    const live = await waiting;
    const late = await this.follow(start, texts.at(-1)!);
    const followers = [
      { got: live, expected: texts, who: say(`The client waiting from ?since=${start}`, `从 ?since=${start} 开始等待的客户端`) },
      { got: late, expected: texts, who: say(`A client asking afterwards with ?since=${start}`, `之后用 ?since=${start} 请求的客户端`) },
    ];
    if (!compareDeliveries(live.texts, texts) && !compareDeliveries(late.texts, texts)) {
      // The cursor handed out after the burst must be exactly the end of its lines: ask from it for one more.
      await post(this.url, this.strategy, 'ann', 'after the burst');
      const next = await this.follow(late.cursor, 'after the burst');
      if (!compareDeliveries(next.texts, ['after the burst'])) return { check, passed: true };
      const who = say(`Then "after the burst" was posted, and a client asking with ?since=${late.cursor}, the cursor it was given,`, `随后发送了 "after the burst"，用拿到的游标 ?since=${late.cursor} 请求的客户端`);
      followers.push({ got: next, expected: ['after the burst'], who });
    }

    const seen = [say(`posted ${listed(texts)}, one right after the other.`, `一条紧接一条地发送了 ${listed(texts)}。`)];
    for (const { got, expected, who } of followers) {
      const problem = compareDeliveries(got.texts, expected);
      seen.push(say(`${who} got ${listed(got.texts)}${got.problem}${problem ? ` (${problem})` : ''}.`, `${who}收到：${listed(got.texts)}${got.problem}${problem ? `（${problem}）` : ''}。`));
    }
    let fix = say(
      "Each message must keep its own line: writeToDataFile() appends (TODO 1), and readDataFile() returns every whole line after the cursor's offset (TODO 4).",
      '每条消息必须占自己的一行：writeToDataFile() 追加写入（TODO 1），readDataFile() 返回游标偏移量之后的每一整行（TODO 4）。',
    );
    if (followers.some(({ got }) => new Set(got.texts).size < got.texts.length)) {
      fix = say(
        "Some came twice: the next cursor must be the offset just past the lines readDataFile() read (TODO 4), not a size stat'ed before or after the read.",
        '有些消息来了两次：下一个游标必须是 readDataFile() 读过的那些行之后紧接着的偏移量（TODO 4），而不是读取之前或之后 stat 得到的大小。',
      );
    }
    if (followers.some(({ got }) => got.refused)) {
      fix = say(
        'A cursor your strategy handed out was then refused, or cut a line in two: it must be the offset in bytes just past the last whole line read, and é is two bytes, one character (TODO 4).',
        '你的策略发出的游标随后被拒绝了，或者把一行切成了两半：它必须是读到的最后一整行之后的字节偏移量，而 é 是两个字节、一个字符（TODO 4）。',
      );
    }
    return { check, passed: false, hint: [...seen, fix].join('\n') };
  }

  async refusesBadCursors(): Promise<CheckOutcome> {
    const check = checks().badCursors;
    const end = await this.endOfFile();
    const pastTheEnd = /^\d+$/.test(end) ? String(Number(end) + 1000) : '999999999';
    const cases = [
      { since: 'abc', what: say('a cursor that is not digits', '不是数字的游标') },
      {
        since: pastTheEnd,
        what: say(
          `a cursor past the end of the file (an answer without a cursor gave ${end}: the end of the file, once the cursor is a byte offset)`,
          `超出文件末尾的游标（不带游标的请求得到的是 ${end}：游标改成字节偏移量之后，这就是文件末尾）`,
        ),
      },
    ];
    for (const { since, what } of cases) {
      const reply = await askForMessages(this.url, this.strategy, since, REFUSAL_LIMIT_MS).reply;
      if (reply?.status === 400 && typeof reply.body.error === 'string') continue;
      const got = reply
        ? say(`got ${reply.status} ${JSON.stringify(reply.body)}`, `收到了 ${reply.status} ${JSON.stringify(reply.body)}`)
        : say(
            `got no answer within ${REFUSAL_LIMIT_MS} ms: it was held, waiting for the file to reach an offset it may never reach`,
            `${REFUSAL_LIMIT_MS} ms 内没有得到回答：请求被挂起了，在等文件到达一个可能永远到不了的偏移量`,
          );
      return {
        check,
        passed: false,
        hint: say(
          `?since=${since}, ${what}, ${got}.\nIn parseCursor() (TODO 2), compare the offset with the file's size and throw new HttpError(400, 'why') when it is not one: the shell answers {"error": "why"}.`,
          `?since=${since}，${what}，${got}。\n在 parseCursor()（TODO 2）中，把偏移量与文件大小比较，不是合法的偏移量就 throw new HttpError(400, 'why')：外壳会回答 {"error": "why"}。`,
        ),
      };
    }
    return { check, passed: true };
  }

  /** Passes while the design still polls the file; notes what that costs. */
  async stillStatsTheFile(notes: string[]): Promise<CheckOutcome> {
    const check = checks().statLoop;
    const end = await this.endOfFile();
    const before = await strategyStats(this.url, this.strategy);
    if (typeof before.fileChecks !== 'number') {
      const hint = say(
        '/api/stats shows no fileChecks for your strategy: keep counters() and the `this.fileChecks += 1` in currentCursor().',
        '/api/stats 中你的策略没有 fileChecks：保留 counters() 以及 currentCursor() 中的 `this.fileChecks += 1`。',
      );
      return { check, passed: false, hint };
    }
    const waiting = askForMessages(this.url, this.strategy, end, 10 * NO_ANSWER_AFTER_MS);
    // The rate is measured from the moment the request is seen waiting, over STAT_LOOP_CHECKS stats.
    let now = before;
    const held = await becomesTrue(async () => (now = await strategyStats(this.url, this.strategy)).held === 1);
    const from = { at: Date.now(), fileChecks: now.fileChecks };
    const statted = held && (await becomesTrue(async () => (now = await strategyStats(this.url, this.strategy)).fileChecks - from.fileChecks >= STAT_LOOP_CHECKS));
    const elapsedMs = Date.now() - from.at;
    const statCalls = now.fileChecks - from.fileChecks;
    waiting.leave();
    const released = await becomesTrue(async () => (await strategyStats(this.url, this.strategy)).held === 0);
    if (waiting.hasAnswer) {
      return { check, passed: false, hint: say(`a request with ?since=${end}, the end of the file, was answered at once: it must wait until the file grows.`, `带 ?since=${end}（文件末尾）的请求被立即回答了：它必须等到文件变长。`) };
    }
    if (!statted) {
      const hint = say(
        `a request with ?since=${end} waited; /api/stats showed held ${now.held} and ${statCalls} more fileChecks in ${elapsedMs} ms.\nKeep the loop of receive(): stat the file (currentCursor()) every settings.checkEveryMs.`,
        `带 ?since=${end} 的请求在等待；${elapsedMs} ms 内 /api/stats 显示 held ${now.held}，fileChecks 增加了 ${statCalls}。\n保留 receive() 中的循环：每隔 settings.checkEveryMs 就 stat 一次文件（currentCursor()）。`,
      );
      return { check, passed: false, hint };
    }
    if (!released) {
      const hint = say(
        'the client left, but /api/stats still counts its request as held: keep the `response.destroyed` test in the loop of receive().',
        '客户端已经离开，但 /api/stats 仍把它的请求算作挂起：保留 receive() 循环中对 `response.destroyed` 的判断。',
      );
      return { check, passed: false, hint };
    }

    const perSecond = Math.round((statCalls * 1000) / elapsedMs);
    const perClient = 1000 / DEFAULT_CHECK_EVERY_MS;
    const perClass = 30 * perClient;
    const perThousand = (1000 * perClient).toLocaleString('en');
    notes.push(
      say(
        `One quiet client made ${statCalls} stats of the file in ${elapsedMs} ms here (about ${perSecond} a second, at --mtime-check-ms ${CHECK_EVERY_MS}).\n` +
          `At the default ${DEFAULT_CHECK_EVERY_MS} ms that is ${perClient} a second per waiting client: 30 quiet students, ${perClass} a second; 1,000 users, ${perThousand}.\n` +
          "Write down which of the lesson's flaws your change removed, and which remain (the lesson's Exercises ask the same).",
        `在这里，一个安静的客户端在 ${elapsedMs} ms 内对文件做了 ${statCalls} 次 stat（约每秒 ${perSecond} 次，--mtime-check-ms ${CHECK_EVERY_MS}）。\n` +
          `按默认的 ${DEFAULT_CHECK_EVERY_MS} ms，每个等待中的客户端每秒 ${perClient} 次：30 个安静的学生，每秒 ${perClass} 次；1,000 个用户，每秒 ${perThousand} 次。\n` +
          '写下你的修改消除了本课所讲的哪些缺陷，哪些仍然存在（本课的练习也问了同样的问题）。',
      ),
    );
    return { check, passed: true };
  }

  /** The cursor an answer without one gives: the end of the file, once the exercise is done. */
  private async endOfFile(): Promise<string> {
    const answer = await receive(this.url, this.strategy);
    if (!answer || answer.status !== 200 || typeof answer.body.cursor !== 'string') {
      const got = answer ? `${answer.status} ${JSON.stringify(answer.body)}` : undefined;
      throw new Error(
        say(
          `a request without a cursor got ${got ?? 'no answer'}; it must get the messages and a cursor at once`,
          `不带游标的请求${got ? `收到了 ${got}` : '没有得到回答'}；它必须立即得到消息和一个游标`,
        ),
      );
    }
    return answer.body.cursor;
  }

  /** Ask like a client (asking again after each answer, from its cursor) until `text` arrives or time runs out. */
  private async follow(cursor: string, text: string): Promise<{ texts: string[]; cursor: string; problem: string; refused?: boolean }> {
    const texts: string[] = [];
    const giveUpAt = Date.now() + NO_ANSWER_AFTER_MS;
    while (Date.now() < giveUpAt) {
      const answer = await receive(this.url, this.strategy, cursor, Math.max(1, giveUpAt - Date.now()));
      if (!answer) break;
      if (answer.status !== 200) {
        const got = `${answer.status} ${JSON.stringify(answer.body)}`;
        return { texts, cursor, problem: say(` (then ?since=${cursor} got ${got})`, `（随后 ?since=${cursor} 收到了 ${got}）`), refused: true };
      }
      texts.push(...answer.body.messages.map((message) => message.text));
      cursor = answer.body.cursor;
      if (texts.includes(text)) return { texts, cursor, problem: '' };
    }
    return { texts, cursor, problem: say(` (then nothing more within ${NO_ANSWER_AFTER_MS} ms)`, `（之后 ${NO_ANSWER_AFTER_MS} ms 内再没有收到任何消息）`) };
  }
}
