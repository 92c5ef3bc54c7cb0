// Checks lesson 2's exercise: a short-polling client whose wait adapts.
//
// The student's nextPollDelay() drives a real short-polling client against a
// real server on a free port: a quiet spell, then a message, then quiet again.
// The client does not really sleep: it records each wait it would take and
// asks again at once, so the check is quick and sees exactly what the
// function decided after each real answer.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startShell } from '../../shell/shell.ts';
import { say } from '../language.ts';
import { post, receive } from './http-client.ts';
import type { CheckOutcome } from './outcome.ts';

const STRATEGY = 'short-poll';
const LIMITS = { minMs: 250, maxMs: 4000 };
/** Empty answers in a row before the message: enough for doubling to reach maxMs (250 -> 4000 is four doublings). */
const QUIET_POLLS = 8;
/** A ceiling on requests, whatever the student's function returns. */
const MAX_POLLS = 20;

type NextPollDelay = (previousMs: number, gotMessages: boolean, limits: typeof LIMITS) => number;

/** One poll as the client saw it: whether it brought messages, and the wait chosen after it. */
interface Poll {
  gotMessages: boolean;
  delayAfterMs: number;
}

export async function checkAdaptiveDelay(module: Record<string, unknown>): Promise<{ outcomes: CheckOutcome[]; notes: string[] }> {
  const nextPollDelay = module.nextPollDelay as NextPollDelay | undefined;
  if (typeof nextPollDelay !== 'function') {
    const hint = say('keep `export function nextPollDelay(previousMs, gotMessages, limits)`', '保留 `export function nextPollDelay(previousMs, gotMessages, limits)`');
    return { outcomes: [{ check: say('the file exports nextPollDelay', '文件导出了 nextPollDelay'), passed: false, hint }], notes: [] };
  }
  const polls = await pollQuietMessageQuiet(nextPollDelay);
  const quiet = polls.slice(0, QUIET_POLLS);
  const afterMessage = polls.find((poll) => poll.gotMessages);
  const delays = polls.map((poll) => poll.delayAfterMs);
  const waits = `${delays.map((ms) => Math.round(ms)).join(', ')} ms`;
  const shown = say(`waits chosen: ${waits}`, `选择的等待时间：${waits}`);

  const outcomes: CheckOutcome[] = [
    judge(
      say('waits longer after an empty answer than before it', '收到空回答之后，比之前等待得更久'),
      quiet[1].delayAfterMs > quiet[0].delayAfterMs && growsOrStays(quiet),
      `${shown}\n${say('After an empty answer, return more than previousMs (twice as much, say).', '收到空回答之后，返回比 previousMs 更大的值（比如两倍）。')}`,
    ),
    judge(
      say(`reaches the ceiling (maxMs = ${LIMITS.maxMs}) during a long quiet spell`, `长时间安静时，等待时间达到上限（maxMs = ${LIMITS.maxMs}）`),
      quiet.some((poll) => poll.delayAfterMs === LIMITS.maxMs),
      `${shown}\n${say(`After ${QUIET_POLLS} empty answers in a row the wait should have grown to maxMs.`, `连续 ${QUIET_POLLS} 次空回答之后，等待时间应该已经增长到 maxMs。`)}`,
    ),
    judge(
      say('never waits less than minMs or more than maxMs', '等待时间从不小于 minMs，也从不大于 maxMs'),
      delays.every((ms) => Number.isFinite(ms) && ms >= LIMITS.minMs && ms <= LIMITS.maxMs),
      `${shown}\n${say('Keep every wait between limits.minMs and limits.maxMs (Math.min helps).', '让每次等待都在 limits.minMs 和 limits.maxMs 之间（Math.min 会有帮助）。')}`,
    ),
    judge(
      say('goes back to minMs as soon as an answer brings messages', '一旦回答带来消息，立即回到 minMs'),
      afterMessage?.delayAfterMs === LIMITS.minMs,
      `${shown}\n${say('When gotMessages is true the room is lively: return limits.minMs.', 'gotMessages 为 true 时，聊天室正活跃：返回 limits.minMs。')}`,
    ),
  ];
  const requestsPerQuietMinute = Math.round(60_000 / Math.max(LIMITS.minMs, quiet.at(-1)!.delayAfterMs));
  const notes = [
    say(
      `A quiet client of yours now asks ${timesAMinute(requestsPerQuietMinute)}; at a fixed ${LIMITS.minMs} ms it would ask ${timesAMinute(60_000 / LIMITS.minMs)}.\n` +
        'The price: the first message after a quiet spell waits up to maxMs. Write down who pays it, and when that is acceptable.',
      `你的客户端在安静时现在${timesAMinute(requestsPerQuietMinute)}；如果固定等待 ${LIMITS.minMs} ms，它会${timesAMinute(60_000 / LIMITS.minMs)}。\n` +
        '代价：安静一段时间之后的第一条消息最多要等 maxMs。写下由谁承担这个代价，以及什么时候可以接受。',
    ),
  ];
  // A failing check already shows the waits in its hint.
  if (outcomes.every((outcome) => outcome.passed)) {
    notes.unshift(
      say(
        `From previousMs = ${LIMITS.minMs}, ${shown} (${QUIET_POLLS} empty answers, one with a message, then empty again).`,
        `从 previousMs = ${LIMITS.minMs} 开始，${shown}（${QUIET_POLLS} 次空回答，一次带消息的回答，然后又是空回答）。`,
      ),
    );
  }
  return { outcomes, notes };
}

/** Run a real short-polling client: QUIET_POLLS empty answers, one with a message, then quiet again. */
async function pollQuietMessageQuiet(nextPollDelay: NextPollDelay): Promise<Poll[]> {
  // Its own data folder: the server writes files there (the mtime strategy's data file, the room's log).
  const dataDir = await mkdtemp(join(tmpdir(), 'pollbench-lesson-2-'));
  const shell = await startShell({ port: 0, dataDir, defaultStrategy: STRATEGY, staticMounts: [] });
  try {
    const first = await receive(shell.url, STRATEGY);
    if (!first) throw new Error(say('the short-poll server did not answer', '短轮询服务器没有回答'));
    let cursor = first.body.cursor;
    let delayMs = LIMITS.minMs;
    const polls: Poll[] = [];
    while (polls.length < MAX_POLLS && polls.length < QUIET_POLLS + 4) {
      if (polls.length === QUIET_POLLS) await post(shell.url, STRATEGY, 'ann', 'the room wakes up');
      const answer = await receive(shell.url, STRATEGY, cursor);
      if (!answer || answer.status !== 200) throw new Error(answer ? say(`the short-poll server answered ${answer.status}`, `短轮询服务器回答了 ${answer.status}`) : say('the short-poll server answered nothing', '短轮询服务器什么也没有回答'));
      cursor = answer.body.cursor;
      const gotMessages = answer.body.messages.length > 0;
      delayMs = nextPollDelay(delayMs, gotMessages, { ...LIMITS });
      polls.push({ gotMessages, delayAfterMs: delayMs });
      await sleep(0); // a real client would wait delayMs here; the check only records it
    }
    return polls;
  } finally {
    await shell.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** How often a client asks, as the end of a sentence (the Chinese carries its own verb). */
function timesAMinute(count: number): string {
  if (count < 1) return say('less than once a minute', '每分钟请求不到一次');
  return count === 1 ? say('about once a minute', '大约每分钟请求一次') : say(`about ${count} times a minute`, `大约每分钟请求 ${count} 次`);
}

function judge(check: string, passed: boolean, hint: string): CheckOutcome {
  return passed ? { check, passed } : { check, passed, hint };
}

/** During a quiet spell the wait never shrinks. */
function growsOrStays(polls: Poll[]): boolean {
  return polls.every((poll, index) => index === 0 || poll.delayAfterMs >= polls[index - 1].delayAfterMs);
}
