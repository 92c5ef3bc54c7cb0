// Checks lesson 4's exercise: park() and wake() of the event-driven long poll.
//
// Each check mounts the student's copy alone in a real server of its own, on
// a free port, and speaks HTTP to it; /api/stats tells what the server holds.
// Two checks serve a room the checker watches (watched-room.ts): one lets a
// message in between the strategy's read and its park, the other counts how
// many reads one message costs fifty requests parked at the same cursor.

import { JITTER } from '../../strategies/hold-jitter.ts';
import type { Strategy } from '../../strategies/strategy.ts';
import { becomesTrue, NO_ANSWER_AFTER_MS, post, receive } from './http-client.ts';
import { askForMessages, didNotStart, exportedStrategy, guarded, listed, strategyStats, withCheckServer, type OpenRequest, type Reply } from './check-server.ts';
import type { CheckOutcome } from './outcome.ts';
import { WatchedRoom } from './watched-room.ts';

/** Long enough that no hold times out during a check that is not about hold timeouts. */
const LONG_HOLD_MS = 60_000;
/** Short, so the hold-timeout check is quick; long enough to tell "timed out" from "answered at once". */
const SHORT_HOLD_MS = 300;
/** A timer may fire a little early or late; this much is not a wrong hold. */
const TIMER_SLACK_MS = 5;
/** The held budget (--max-held) of the check on clients that leave. */
const MAX_HELD = 3;
/** Requests parked at one cursor for the check on reading once per group. */
const GROUP_SIZE = 50;
/** A request the check abandons itself is never left open longer than this. */
const ABANDON_AFTER_MS = 10 * NO_ANSWER_AFTER_MS;

const CHECKS = {
  wakes: 'parks a request with nothing new, and answers it as soon as a message is posted',
  race: 'a message that arrives between the read of the room and the park is not lost',
  timeout: `a parked request is answered empty, with the cursor it came with, once its hold times out (${SHORT_HOLD_MS} ms here)`,
  leaving: `a client that leaves gives its held slot back (--max-held ${MAX_HELD}: new requests are still held after ${MAX_HELD} leave)`,
  group: `one read of the room serves ${GROUP_SIZE} requests parked at the same cursor`,
};

export async function checkParkAndWake(module: Record<string, unknown>): Promise<{ outcomes: CheckOutcome[]; notes: string[] }> {
  const strategy = exportedStrategy(module, 'longPoll');
  if (!strategy) {
    return { outcomes: [{ check: 'the file exports the strategy', passed: false, hint: 'keep the line `export const longPoll: Strategy = { ... }`' }], notes: [] };
  }
  try {
    const outcomes = [
      await guarded(CHECKS.wakes, () => wakesAParkedRequest(strategy)),
      await guarded(CHECKS.race, () => keepsAMessageFromBetweenReadAndPark(strategy)),
      await guarded(CHECKS.timeout, () => answersEmptyAfterTheHold(strategy)),
      await guarded(CHECKS.leaving, () => freesTheSlotOfAClientThatLeaves(strategy)),
      await guarded(CHECKS.group, () => readsOncePerCursor(strategy)),
    ];
    return { outcomes, notes: [] };
  } catch (error) {
    return { outcomes: [didNotStart(error)], notes: [] };
  }
}

async function wakesAParkedRequest(strategy: Strategy): Promise<CheckOutcome> {
  const check = CHECKS.wakes;
  return withCheckServer(strategy, { settings: { holdTimeout: LONG_HOLD_MS } }, async ({ url }) => {
    const cursor = await currentCursor(url, strategy.name);
    const waiting = askForMessages(url, strategy.name, cursor, ABANDON_AFTER_MS);
    const parked = await heldBecomes(url, strategy.name, 1);
    if (!parked.reached) {
      waiting.leave();
      return { check, passed: false, hint: `a request with an up-to-date cursor (?since=${cursor}) was not held: /api/stats shows held ${parked.held}.\nIn park(), put the response in this.parked with its cursor and deadline (TODO 3).` };
    }
    await post(url, strategy.name, 'ann', 'wake up');
    const reply = await answeredWithin(waiting, NO_ANSWER_AFTER_MS);
    if (!reply) return { check, passed: false, hint: `the request was parked, then "wake up" was posted, and no answer came within ${NO_ANSWER_AFTER_MS} ms.\nwake() must take the parked requests off this.parked and answer them through answerGroup() (TODO 4).` };
    if (!carries(reply, ['wake up'])) return { check, passed: false, hint: `after "wake up" was posted the parked request got ${reply.status} ${JSON.stringify(reply.body)}` };
    const released = await heldBecomes(url, strategy.name, 0);
    if (!released.reached) return { check, passed: false, hint: `the request was answered, but /api/stats still counts ${released.held} held: wake() must take every request off this.parked (TODO 4).` };
    return { check, passed: true };
  });
}

async function keepsAMessageFromBetweenReadAndPark(strategy: Strategy): Promise<CheckOutcome> {
  const check = CHECKS.race;
  const room = new WatchedRoom();
  return withCheckServer(strategy, { settings: { holdTimeout: LONG_HOLD_MS }, room }, async ({ url }) => {
    const cursor = await currentCursor(url, strategy.name);
    void room.appendDuringNextRead({ author: 'bob', text: 'slipped in' });
    const waiting = askForMessages(url, strategy.name, cursor);
    const reply = await waiting.reply;
    if (reply && carries(reply, ['slipped in'])) return { check, passed: true };
    const got = reply ? `got ${reply.status} ${JSON.stringify(reply.body)}` : `was still unanswered after ${NO_ANSWER_AFTER_MS} ms`;
    return {
      check,
      passed: false,
      hint:
        `"slipped in" was appended just after receive() read the room (the read found nothing after ${cursor}) and before park(); the request ${got}.\n` +
        "The message's wake() ran before the request was parked. In park(), return false when this.messagesSeen has moved past seenBefore (TODO 1): receive() then reads again.",
    };
  });
}

async function answersEmptyAfterTheHold(strategy: Strategy): Promise<CheckOutcome> {
  const check = CHECKS.timeout;
  return withCheckServer(strategy, { settings: { holdTimeout: SHORT_HOLD_MS } }, async ({ url }) => {
    const cursor = await currentCursor(url, strategy.name);
    const startedAt = Date.now();
    const reply = await askForMessages(url, strategy.name, cursor).reply;
    const elapsedMs = Date.now() - startedAt;
    if (!reply) {
      return {
        check,
        passed: false,
        hint: `a request with ?since=${cursor} was still unanswered after ${NO_ANSWER_AFTER_MS} ms, with nothing posted and a ${SHORT_HOLD_MS} ms hold timeout.\nIn park(), give it a deadline of now + this.settings.holdTimeoutMs and call this.startSweeping() (TODO 3): sweep() answers it once the deadline has passed.`,
      };
    }
    if (reply.status !== 200 || reply.body.messages?.length !== 0 || reply.body.cursor !== cursor) {
      return { check, passed: false, hint: `expected {"messages":[],"cursor":"${cursor}"} (the cursor it came with, so the client asks again from the same place), got ${reply.status} ${JSON.stringify(reply.body)}` };
    }
    const shortest = SHORT_HOLD_MS * (1 - JITTER) - TIMER_SLACK_MS;
    if (elapsedMs < shortest) return { check, passed: false, hint: `answered after ${elapsedMs} ms: the hold (${SHORT_HOLD_MS} ms, give or take ${JITTER * 100}%) must pass first. Is the deadline now + this.settings.holdTimeoutMs?` };
    const released = await heldBecomes(url, strategy.name, 0);
    if (!released.reached) return { check, passed: false, hint: `answered, but /api/stats still counts ${released.held} held.` };
    return { check, passed: true };
  });
}

async function freesTheSlotOfAClientThatLeaves(strategy: Strategy): Promise<CheckOutcome> {
  const check = CHECKS.leaving;
  return withCheckServer(strategy, { settings: { holdTimeout: LONG_HOLD_MS }, maxHeld: MAX_HELD }, async ({ url }) => {
    const cursor = await currentCursor(url, strategy.name);
    const leaving = openMany(url, strategy.name, cursor, MAX_HELD);
    const parked = await heldBecomes(url, strategy.name, MAX_HELD);
    leaving.forEach((request) => request.leave());
    if (!parked.reached) return { check, passed: false, hint: `${MAX_HELD} requests with an up-to-date cursor: /api/stats shows held ${parked.held}. park() must put each in this.parked (TODO 3).` };
    const emptied = await heldBecomes(url, strategy.name, 0);
    if (!emptied.reached) {
      return { check, passed: false, hint: `${MAX_HELD} parked clients left, and /api/stats still shows held ${emptied.held}.\nIn park(), on the response's 'close': if it is still in this.parked, delete it and release its slot (TODO 3).` };
    }
    const arriving = openMany(url, strategy.name, cursor, MAX_HELD);
    const heldAgain = await becomesTrue(async () => arriving.some((request) => request.hasAnswer) || (await strategyStats(url, strategy.name)).held === MAX_HELD);
    const refused = await Promise.all(arriving.filter((request) => request.hasAnswer).map((request) => request.reply));
    arriving.forEach((request) => request.leave());
    if (heldAgain && refused.length === 0) return { check, passed: true };
    const answers = [...new Set(refused.map((reply) => `${reply?.status} ${JSON.stringify(reply?.body)}`))].join(' or ');
    return {
      check,
      passed: false,
      hint:
        `after ${MAX_HELD} clients left, ${MAX_HELD} new ones arrived and ${refused.length > 0 ? `got ${answers}` : 'were not all held'}: the slots of those who left were never given back.\n` +
        "In the response's 'close' handler, call this.heldBudget.release() for a request you took off this.parked, and only then: once per slot (TODO 3).",
    };
  });
}

async function readsOncePerCursor(strategy: Strategy): Promise<CheckOutcome> {
  const check = CHECKS.group;
  const room = new WatchedRoom();
  return withCheckServer(strategy, { settings: { holdTimeout: LONG_HOLD_MS }, room }, async ({ url }) => {
    const cursor = await currentCursor(url, strategy.name);
    const clients = openMany(url, strategy.name, cursor, GROUP_SIZE);
    try {
      const parked = await heldBecomes(url, strategy.name, GROUP_SIZE);
      if (!parked.reached) return { check, passed: false, hint: `${GROUP_SIZE} requests with an up-to-date cursor: /api/stats shows held ${parked.held}. park() must put each in this.parked (TODO 3).` };
      room.resetReads();
      const posted = await post(url, strategy.name, 'ann', 'to all fifty');
      await becomesTrue(async () => clients.every((client) => client.hasAnswer));
      const replies = await Promise.all(clients.map((client) => (client.hasAnswer ? client.reply : undefined)));
      const delivered = replies.filter((reply) => reply && carries(reply, ['to all fifty']) && reply.body.cursor === posted.body.id).length;
      const reads = room.readsOf(cursor);
      if (delivered === GROUP_SIZE && reads === 1) return { check, passed: true };
      const seen = `${GROUP_SIZE} requests parked at ?since=${cursor}, one message posted: ${delivered} got it (with cursor ${posted.body.id}), and the room was read ${reads} times after ${cursor}.`;
      const fix =
        delivered < GROUP_SIZE
          ? 'wake() must answer every parked request (TODO 4).'
          : 'In wake(), group the parked requests by cursor and call answerGroup() once per cursor: one read and one serialization serve the whole group (TODO 4).';
      return { check, passed: false, hint: `${seen}\n${fix}` };
    } finally {
      clients.forEach((client) => client.leave());
    }
  });
}

/** The cursor a request without one is given: the room's newest message. */
async function currentCursor(url: string, strategy: string): Promise<string> {
  const answer = await receive(url, strategy);
  if (!answer || answer.status !== 200) throw new Error(`a request without a cursor got ${answer ? `${answer.status} ${JSON.stringify(answer.body)}` : 'no answer'}; it must get the history at once`);
  return answer.body.cursor;
}

function openMany(url: string, strategy: string, cursor: string, count: number): OpenRequest[] {
  return Array.from({ length: count }, () => askForMessages(url, strategy, cursor, ABANDON_AFTER_MS));
}

/** Wait until /api/stats shows `count` held for the strategy; says whether it did, and the last count seen. */
async function heldBecomes(url: string, strategy: string, count: number): Promise<{ reached: boolean; held: number }> {
  let held = -1;
  const reached = await becomesTrue(async () => (held = (await strategyStats(url, strategy)).held) === count);
  return { reached, held };
}

/** The request's answer if it comes within `limitMs`; otherwise undefined, and the request is abandoned. */
async function answeredWithin(request: OpenRequest, limitMs: number): Promise<Reply | undefined> {
  await becomesTrue(async () => request.hasAnswer, limitMs);
  if (!request.hasAnswer) request.leave();
  return request.reply;
}

function carries(reply: Reply, texts: string[]): boolean {
  const got = reply.body.messages?.map((message) => message.text) ?? [];
  return reply.status === 200 && listed(got) === listed(texts);
}
