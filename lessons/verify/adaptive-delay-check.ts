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
    return { outcomes: [{ check: 'the file exports nextPollDelay', passed: false, hint: 'keep `export function nextPollDelay(previousMs, gotMessages, limits)`' }], notes: [] };
  }
  const polls = await pollQuietMessageQuiet(nextPollDelay);
  const quiet = polls.slice(0, QUIET_POLLS);
  const afterMessage = polls.find((poll) => poll.gotMessages);
  const delays = polls.map((poll) => poll.delayAfterMs);
  const shown = `waits chosen: ${delays.map((ms) => Math.round(ms)).join(', ')} ms`;

  const outcomes: CheckOutcome[] = [
    judge('waits longer after an empty answer than before it', quiet[1].delayAfterMs > quiet[0].delayAfterMs && growsOrStays(quiet), `${shown}\nAfter an empty answer, return more than previousMs (twice as much, say).`),
    judge(`reaches the ceiling (maxMs = ${LIMITS.maxMs}) during a long quiet spell`, quiet.some((poll) => poll.delayAfterMs === LIMITS.maxMs), `${shown}\nAfter ${QUIET_POLLS} empty answers in a row the wait should have grown to maxMs.`),
    judge(`never waits less than minMs or more than maxMs`, delays.every((ms) => Number.isFinite(ms) && ms >= LIMITS.minMs && ms <= LIMITS.maxMs), `${shown}\nKeep every wait between limits.minMs and limits.maxMs (Math.min helps).`),
    judge('goes back to minMs as soon as an answer brings messages', afterMessage?.delayAfterMs === LIMITS.minMs, `${shown}\nWhen gotMessages is true the room is lively: return limits.minMs.`),
  ];
  const requestsPerQuietMinute = Math.round(60_000 / Math.max(LIMITS.minMs, quiet.at(-1)!.delayAfterMs));
  const notes = [
    `A quiet client of yours now asks ${timesAMinute(requestsPerQuietMinute)}; at a fixed ${LIMITS.minMs} ms it would ask ${timesAMinute(60_000 / LIMITS.minMs)}.\n` +
      'The price: the first message after a quiet spell waits up to maxMs. Write down who pays it, and when that is acceptable.',
  ];
  // A failing check already shows the waits in its hint.
  if (outcomes.every((outcome) => outcome.passed)) notes.unshift(`From previousMs = ${LIMITS.minMs}, ${shown} (${QUIET_POLLS} empty answers, one with a message, then empty again).`);
  return { outcomes, notes };
}

/** Run a real short-polling client: QUIET_POLLS empty answers, one with a message, then quiet again. */
async function pollQuietMessageQuiet(nextPollDelay: NextPollDelay): Promise<Poll[]> {
  // Its own data folder: the server writes files there (the mtime strategy's data file, the room's log).
  const dataDir = await mkdtemp(join(tmpdir(), 'pollbench-lesson-2-'));
  const shell = await startShell({ port: 0, dataDir, defaultStrategy: STRATEGY, staticMounts: [] });
  try {
    const first = await receive(shell.url, STRATEGY);
    if (!first) throw new Error('the short-poll server did not answer');
    let cursor = first.body.cursor;
    let delayMs = LIMITS.minMs;
    const polls: Poll[] = [];
    while (polls.length < MAX_POLLS && polls.length < QUIET_POLLS + 4) {
      if (polls.length === QUIET_POLLS) await post(shell.url, STRATEGY, 'ann', 'the room wakes up');
      const answer = await receive(shell.url, STRATEGY, cursor);
      if (!answer || answer.status !== 200) throw new Error(`the short-poll server answered ${answer?.status ?? 'nothing'}`);
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

function timesAMinute(count: number): string {
  if (count < 1) return 'less than once a minute';
  return count === 1 ? 'about once a minute' : `about ${count} times a minute`;
}

function judge(check: string, passed: boolean, hint: string): CheckOutcome {
  return passed ? { check, passed } : { check, passed, hint };
}

/** During a quiet spell the wait never shrinks. */
function growsOrStays(polls: Poll[]): boolean {
  return polls.every((poll, index) => index === 0 || poll.delayAfterMs >= polls[index - 1].delayAfterMs);
}
