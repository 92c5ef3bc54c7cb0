// Checks lesson 3's exercises on the student's copy of the data-file long poll:
//   A. a waiting request is answered empty once the hold timeout has passed;
//   B. a second message posted in the same second still reaches a client.
// It mounts the student's strategy alone in a real server on a free port and
// talks to it over HTTP, like any client. Then it shows the flaw that remains.

import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startShell, type RunningShell } from '../../shell/shell.ts';
import type { Strategy } from '../../strategies/strategy.ts';
import { post, receive, stats, becomesTrue, NO_ANSWER_AFTER_MS } from './http-client.ts';
import type { CheckOutcome } from './outcome.ts';

/** Short, so the check is quick; long enough to tell "timed out" from "answered at once". */
const HOLD_TIMEOUT_MS = 300;
/** Quick file checks keep the whole run to a few seconds. */
const CHECK_EVERY_MS = 20;
/** Tries at posting two messages inside one wall-clock second. */
const SAME_SECOND_ATTEMPTS = 3;

export interface MtimeCheckResult {
  outcomes: CheckOutcome[];
  notes: string[];
}

export async function checkMtimeFixes(module: Record<string, unknown>): Promise<MtimeCheckResult> {
  const strategy = module.longPollMtime as Strategy | undefined;
  if (!strategy || typeof strategy.start !== 'function') {
    return {
      outcomes: [{ check: 'the file exports the strategy', passed: false, hint: 'keep the line `export const longPollMtime: Strategy = { ... }`' }],
      notes: [],
    };
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'pollbench-lesson-3-'));
  const shell = await startShell({
    port: 0,
    dataDir,
    strategies: [strategy],
    defaultStrategy: strategy.name,
    staticMounts: [],
    settings: { mtimeHoldTimeout: HOLD_TIMEOUT_MS, mtimeCheckMs: CHECK_EVERY_MS },
  });
  try {
    const checker = new MtimeChecker(shell, strategy.name, join(dataDir, 'data.txt'));
    const outcomes = [await checker.deliversAMessage(), await checker.holdTimesOut(), await checker.deliversASameSecondMessage()];
    return { outcomes, notes: [await checker.showTheOverwrite()] };
  } finally {
    await shell.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

class MtimeChecker {
  private readonly url: string;

  constructor(
    shell: RunningShell,
    private readonly strategy: string,
    private readonly dataFile: string,
  ) {
    this.url = shell.url;
  }

  async deliversAMessage(): Promise<CheckOutcome> {
    const check = 'still delivers a posted message';
    const start = await receive(this.url, this.strategy);
    await post(this.url, this.strategy, 'ann', 'hello');
    const got = start && (await receive(this.url, this.strategy, start.body.cursor));
    const texts = got?.body.messages.map((message) => message.text) ?? [];
    if (texts.includes('hello')) return { check, passed: true };
    return { check, passed: false, hint: `asked after posting "hello" and got ${JSON.stringify(got?.body ?? 'no answer')}.\nCompare your file with the one in lessons/solutions/ only if you are stuck: start by undoing your last change.` };
  }

  async holdTimesOut(): Promise<CheckOutcome> {
    const check = `answers a waiting request with no messages after the hold timeout (${HOLD_TIMEOUT_MS} ms here)`;
    const now = await receive(this.url, this.strategy);
    if (!now) return { check, passed: false, hint: 'a request without a cursor got no answer at all' };
    const cursor = now.body.cursor;
    const waited = await receive(this.url, this.strategy, cursor);
    if (!waited) {
      return {
        check,
        passed: false,
        hint:
          `a request with an up-to-date cursor was still waiting after ${NO_ANSWER_AFTER_MS} ms.\n` +
          'In receive(), note when the request arrived; in the loop, once settings.mtimeHoldTimeout ms have passed\n' +
          '(and it is not 0), answer { messages: [], cursor: since } and return.',
      };
    }
    if (waited.body.messages?.length !== 0 || waited.body.cursor !== cursor) {
      return { check, passed: false, hint: `expected {"messages":[],"cursor":"${cursor}"} (the cursor the client sent, so it asks again from the same place), got ${JSON.stringify(waited.body)}` };
    }
    const released = await becomesTrue(async () => (await stats(this.url)).strategies[this.strategy].held === 0);
    if (!released) return { check, passed: false, hint: 'the request was answered but /api/stats still counts it as held: take it out of `waiting` when you answer' };
    return { check, passed: true };
  }

  async deliversASameSecondMessage(): Promise<CheckOutcome> {
    const check = 'delivers a second message posted in the same second as the one the client just got';
    for (let attempt = 1; attempt <= SAME_SECOND_ATTEMPTS; attempt++) {
      await sleep(1000 - (Date.now() % 1000) + 5); // just after a second starts: both posts fit in it
      const start = await receive(this.url, this.strategy);
      await post(this.url, this.strategy, 'ann', `first ${attempt}`);
      const firstSecond = await this.mtimeSecond();
      const got = start && (await receive(this.url, this.strategy, start.body.cursor));
      if (!got) return { check, passed: false, hint: 'the first message was not delivered at all' };
      await sleep(2); // so that a millisecond mtime does change
      await post(this.url, this.strategy, 'ann', `second ${attempt}`);
      if ((await this.mtimeSecond()) !== firstSecond) continue; // a second boundary fell between the posts: try again

      const delivered = await this.followUntil(got.body.cursor, `second ${attempt}`, NO_ANSWER_AFTER_MS);
      if (delivered) return { check, passed: true };
      return {
        check,
        passed: false,
        hint:
          `"second ${attempt}" was posted in the same second as "first ${attempt}" and never reached a client asking with cursor ${got.body.cursor}.\n` +
          'The cursor is the file\'s mtime cut to whole seconds, so the second write did not move it.\n' +
          'Compare the mtime in milliseconds (look at MTIME_RESOLUTION_MS and modifiedTime()).',
      };
    }
    return { check, passed: false, hint: `could not post two messages within one second in ${SAME_SECOND_ATTEMPTS} tries: is this machine very busy? Run verify again.` };
  }

  /** The flaw a finer mtime cannot fix: the file holds one message. */
  async showTheOverwrite(): Promise<string> {
    const start = await receive(this.url, this.strategy);
    await sleep(1000 - (Date.now() % 1000) + 5); // a new second, so even a whole-second mtime moves past the cursor
    await post(this.url, this.strategy, 'ann', 'one');
    await post(this.url, this.strategy, 'bob', 'two');
    const got = start && (await receive(this.url, this.strategy, start.body.cursor));
    const texts = got?.body.messages.map((message) => message.text) ?? [];
    if (texts.includes('one') && texts.includes('two')) return 'Both "one" and "two" arrived: your copy keeps more than the last message. That goes beyond the exercise.';
    return (
      `Still lost, as expected: ann posted "one", bob posted "two" at once, and a client asking afterwards got ${JSON.stringify(texts)}.\n` +
      'A finer mtime cannot fix this: the file holds one message, and "two" overwrote "one". Lesson 4 keeps them all.'
    );
  }

  /** Ask like a client (re-asking after each empty answer) until `text` arrives or `limitMs` passes. */
  private async followUntil(cursor: string, text: string, limitMs: number): Promise<boolean> {
    const giveUpAt = Date.now() + limitMs;
    while (Date.now() < giveUpAt) {
      const answer = await receive(this.url, this.strategy, cursor, Math.max(1, giveUpAt - Date.now()));
      if (!answer || answer.status !== 200) return false;
      if (answer.body.messages.some((message) => message.text === text)) return true;
      cursor = answer.body.cursor;
    }
    return false;
  }

  private async mtimeSecond(): Promise<number> {
    return Math.floor((await stat(this.dataFile)).mtimeMs / 1000);
  }
}
