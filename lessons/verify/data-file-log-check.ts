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

export async function checkDataFileLog(module: Record<string, unknown>): Promise<{ outcomes: CheckOutcome[]; notes: string[] }> {
  const strategy = exportedStrategy(module, 'longPollMtime');
  if (!strategy) {
    return { outcomes: [{ check: 'the file exports the strategy', passed: false, hint: 'keep the line `export const longPollMtime: Strategy = { ... }`' }], notes: [] };
  }
  try {
    return await withCheckServer(strategy, { settings: { mtimeCheckMs: CHECK_EVERY_MS } }, async (shell) => {
      const log = new LogChecker(shell.url, strategy.name);
      const outcomes = [
        await guarded('delivers a posted message to a client asking with its cursor', () => log.deliversAMessage()),
        await guarded('delivers a second message posted in the same second as the one the client just got', () => log.deliversASameSecondMessage()),
        await guarded(`delivers a burst of ${BURST_SIZE} posts once each, in order, to a client waiting while they go in and to one asking afterwards`, () => log.deliversABurst()),
        await guarded('refuses a cursor that is not digits, or past the end of the file, with 400 and a JSON error', () => log.refusesBadCursors()),
      ];
      const notes: string[] = [];
      outcomes.push(await guarded('still watches the file: a waiting request stats it every mtime-check-ms (fileChecks grows)', () => log.stillStatsTheFile(notes)));
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
    const check = 'delivers a posted message to a client asking with its cursor';
    const start = await this.endOfFile();
    await post(this.url, this.strategy, 'ann', 'hello');
    const got = await this.follow(start, 'hello');
    if (got.texts.includes('hello')) return { check, passed: true };
    return { check, passed: false, hint: `posted "hello", then asked with ?since=${start} and got ${listed(got.texts)}${got.problem}.\nStart by undoing your last change; compare with lessons/solutions/lesson-3/ only if you are stuck.` };
  }

  async deliversASameSecondMessage(): Promise<CheckOutcome> {
    const check = 'delivers a second message posted in the same second as the one the client just got';
    for (let attempt = 1; attempt <= SAME_SECOND_ATTEMPTS; attempt++) {
      await sleep(1000 - (Date.now() % 1000) + 5); // just after a second starts: both posts fit in it
      const start = await this.endOfFile();
      const first = await post(this.url, this.strategy, 'ann', `first ${attempt}`);
      const got = await this.follow(start, `first ${attempt}`);
      if (!got.texts.includes(`first ${attempt}`)) return { check, passed: false, hint: `"first ${attempt}" itself never arrived (got ${listed(got.texts)}${got.problem}).` };
      const second = await post(this.url, this.strategy, 'ann', `second ${attempt}`);
      if (Math.floor(first.body.ts / 1000) !== Math.floor(second.body.ts / 1000)) continue; // a new second began between the posts: try again

      const after = await this.follow(got.cursor, `second ${attempt}`);
      if (after.texts.includes(`second ${attempt}`)) return { check, passed: true };
      return {
        check,
        passed: false,
        hint:
          `"second ${attempt}" was posted in the same second as "first ${attempt}" and never reached a client asking with ?since=${got.cursor}${after.problem}.\n` +
          'A cursor that is a time in whole seconds cannot tell the two apart. Make it a place in the file:\n' +
          "currentCursor() returns the file's size in bytes (TODO 3), and readDataFile() the lines after the cursor (TODO 4).",
      };
    }
    return { check, passed: false, hint: `could not post two messages within one second in ${SAME_SECOND_ATTEMPTS} tries: is this machine very busy? Run verify again.` };
  }

  async deliversABurst(): Promise<CheckOutcome> {
    const check = `delivers a burst of ${BURST_SIZE} posts once each, in order, to a client waiting while they go in and to one asking afterwards`;
    const start = await this.endOfFile();
    // Not only ASCII: an offset counts bytes, and é is two of them.
    const texts = [...Array.from({ length: BURST_SIZE }, (_, index) => `burst ${index + 1} (café)`), 'end of burst'];
    const waiting = this.follow(start, texts.at(-1)!); // asks, and asks again after each answer, while the posts go in
    for (const text of texts) await post(this.url, this.strategy, 'bob', text);
    const live = await waiting;
    const late = await this.follow(start, texts.at(-1)!);
    const followers = [
      { got: live, expected: texts, who: `The client waiting from ?since=${start}` },
      { got: late, expected: texts, who: `A client asking afterwards with ?since=${start}` },
    ];
    if (!compareDeliveries(live.texts, texts) && !compareDeliveries(late.texts, texts)) {
      // The cursor handed out after the burst must be exactly the end of its lines: ask from it for one more.
      await post(this.url, this.strategy, 'ann', 'after the burst');
      const next = await this.follow(late.cursor, 'after the burst');
      if (!compareDeliveries(next.texts, ['after the burst'])) return { check, passed: true };
      followers.push({ got: next, expected: ['after the burst'], who: `Then "after the burst" was posted, and a client asking with ?since=${late.cursor}, the cursor it was given,` });
    }

    const seen = [`posted ${listed(texts)}, one right after the other.`];
    for (const { got, expected, who } of followers) {
      const problem = compareDeliveries(got.texts, expected);
      seen.push(`${who} got ${listed(got.texts)}${got.problem}${problem ? ` (${problem})` : ''}.`);
    }
    let fix = "Each message must keep its own line: writeToDataFile() appends (TODO 1), and readDataFile() returns every whole line after the cursor's offset (TODO 4).";
    if (followers.some(({ got }) => new Set(got.texts).size < got.texts.length)) {
      fix = "Some came twice: the next cursor must be the offset just past the lines readDataFile() read (TODO 4), not a size stat'ed before or after the read.";
    }
    if (followers.some(({ got }) => got.refused)) {
      fix = 'A cursor your strategy handed out was then refused, or cut a line in two: it must be the offset in bytes just past the last whole line read, and é is two bytes, one character (TODO 4).';
    }
    return { check, passed: false, hint: [...seen, fix].join('\n') };
  }

  async refusesBadCursors(): Promise<CheckOutcome> {
    const check = 'refuses a cursor that is not digits, or past the end of the file, with 400 and a JSON error';
    const end = await this.endOfFile();
    const pastTheEnd = /^\d+$/.test(end) ? String(Number(end) + 1000) : '999999999';
    const cases = [
      { since: 'abc', what: 'a cursor that is not digits' },
      { since: pastTheEnd, what: `a cursor past the end of the file (an answer without a cursor gave ${end}: the end of the file, once the cursor is a byte offset)` },
    ];
    for (const { since, what } of cases) {
      const reply = await askForMessages(this.url, this.strategy, since, REFUSAL_LIMIT_MS).reply;
      if (reply?.status === 400 && typeof reply.body.error === 'string') continue;
      const got = reply ? `${reply.status} ${JSON.stringify(reply.body)}` : `no answer within ${REFUSAL_LIMIT_MS} ms: it was held, waiting for the file to reach an offset it may never reach`;
      return {
        check,
        passed: false,
        hint: `?since=${since}, ${what}, got ${got}.\nIn parseCursor() (TODO 2), compare the offset with the file's size and throw new HttpError(400, 'why') when it is not one: the shell answers {"error": "why"}.`,
      };
    }
    return { check, passed: true };
  }

  /** Passes while the design still polls the file; notes what that costs. */
  async stillStatsTheFile(notes: string[]): Promise<CheckOutcome> {
    const check = 'still watches the file: a waiting request stats it every mtime-check-ms (fileChecks grows)';
    const end = await this.endOfFile();
    const before = await strategyStats(this.url, this.strategy);
    if (typeof before.fileChecks !== 'number') {
      return { check, passed: false, hint: '/api/stats shows no fileChecks for your strategy: keep counters() and the `this.fileChecks += 1` in currentCursor().' };
    }
    const waiting = askForMessages(this.url, this.strategy, end, 10 * NO_ANSWER_AFTER_MS);
    // The rate is measured from the moment the request is seen waiting, over STAT_LOOP_CHECKS stats.
    let now = before;
    const held = await becomesTrue(async () => (now = await strategyStats(this.url, this.strategy)).held === 1);
    const from = { at: Date.now(), fileChecks: now.fileChecks };
    const statted = held && (await becomesTrue(async () => (now = await strategyStats(this.url, this.strategy)).fileChecks - from.fileChecks >= STAT_LOOP_CHECKS));
    const elapsedMs = Date.now() - from.at;
    const checks = now.fileChecks - from.fileChecks;
    waiting.leave();
    const released = await becomesTrue(async () => (await strategyStats(this.url, this.strategy)).held === 0);
    if (waiting.hasAnswer) return { check, passed: false, hint: `a request with ?since=${end}, the end of the file, was answered at once: it must wait until the file grows.` };
    if (!statted) return { check, passed: false, hint: `a request with ?since=${end} waited; /api/stats showed held ${now.held} and ${checks} more fileChecks in ${elapsedMs} ms.\nKeep the loop of receive(): stat the file (currentCursor()) every settings.checkEveryMs.` };
    if (!released) return { check, passed: false, hint: 'the client left, but /api/stats still counts its request as held: keep the `response.destroyed` test in the loop of receive().' };

    const perSecond = Math.round((checks * 1000) / elapsedMs);
    notes.push(
      `One quiet client made ${checks} stats of the file in ${elapsedMs} ms here (about ${perSecond} a second, at --mtime-check-ms ${CHECK_EVERY_MS}).\n` +
        `At the default ${DEFAULT_CHECK_EVERY_MS} ms that is ${1000 / DEFAULT_CHECK_EVERY_MS} a second per waiting client: 30 quiet students, ${30 * (1000 / DEFAULT_CHECK_EVERY_MS)} a second; 1,000 users, ${(1000 * (1000 / DEFAULT_CHECK_EVERY_MS)).toLocaleString('en')}.\n` +
        "Write down which of the lesson's flaws your change removed, and which remain (the lesson's Exercises ask the same).",
    );
    return { check, passed: true };
  }

  /** The cursor an answer without one gives: the end of the file, once the exercise is done. */
  private async endOfFile(): Promise<string> {
    const answer = await receive(this.url, this.strategy);
    if (!answer || answer.status !== 200 || typeof answer.body.cursor !== 'string') {
      throw new Error(`a request without a cursor got ${answer ? `${answer.status} ${JSON.stringify(answer.body)}` : 'no answer'}; it must get the messages and a cursor at once`);
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
      if (answer.status !== 200) return { texts, cursor, problem: ` (then ?since=${cursor} got ${answer.status} ${JSON.stringify(answer.body)})`, refused: true };
      texts.push(...answer.body.messages.map((message) => message.text));
      cursor = answer.body.cursor;
      if (texts.includes(text)) return { texts, cursor, problem: '' };
    }
    return { texts, cursor, problem: ` (then nothing more within ${NO_ANSWER_AFTER_MS} ms)` };
  }
}
