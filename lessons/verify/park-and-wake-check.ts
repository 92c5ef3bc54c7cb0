// Checks lesson 4's exercise: park() and wake() of the event-driven long poll.
//
// Each check mounts the student's copy alone in a real server of its own, on
// a free port, and speaks HTTP to it; /api/stats tells what the server holds.
// Two checks serve a room the checker watches (watched-room.ts): one lets a
// message in between the strategy's read and its park, the other counts how
// many reads one message costs fifty requests parked at the same cursor.

import { JITTER } from '../../strategies/hold-jitter.ts';
import type { Strategy } from '../../strategies/strategy.ts';
import { say } from '../language.ts';
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

/**
 * The checks, in the order they are reported, in the runner's language. A
 * function, not a constant: the language is chosen after this module loads.
 */
function checks() {
  return {
    wakes: say('parks a request with nothing new, and answers it as soon as a message is posted', '没有新消息时挂起请求，一有消息发送就立即回答它'),
    race: say('a message that arrives between the read of the room and the park is not lost', '在读取聊天室之后、挂起请求之前到达的消息不会丢失'),
    timeout: say(
      `a parked request is answered empty, with the cursor it came with, once its hold times out (${SHORT_HOLD_MS} ms here)`,
      `挂起超时（这里是 ${SHORT_HOLD_MS} ms）之后，挂起的请求得到空回答，带回它请求时的游标`,
    ),
    leaving: say(
      `a client that leaves gives its held slot back (--max-held ${MAX_HELD}: new requests are still held after ${MAX_HELD} leave)`,
      `离开的客户端会归还它占用的挂起名额（--max-held ${MAX_HELD}：${MAX_HELD} 个客户端离开之后，新请求仍会被挂起）`,
    ),
    group: say(`one read of the room serves ${GROUP_SIZE} requests parked at the same cursor`, `读取一次聊天室，就能服务挂起在同一游标上的 ${GROUP_SIZE} 个请求`),
  };
}

export async function checkParkAndWake(module: Record<string, unknown>): Promise<{ outcomes: CheckOutcome[]; notes: string[] }> {
  const strategy = exportedStrategy(module, 'longPoll');
  if (!strategy) {
    const hint = say('keep the line `export const longPoll: Strategy = { ... }`', '保留 `export const longPoll: Strategy = { ... }` 这一行');
    return { outcomes: [{ check: say('the file exports the strategy', '文件导出了策略'), passed: false, hint }], notes: [] };
  }
  try {
    const names = checks();
    const outcomes = [
      await guarded(names.wakes, () => wakesAParkedRequest(strategy)),
      await guarded(names.race, () => keepsAMessageFromBetweenReadAndPark(strategy)),
      await guarded(names.timeout, () => answersEmptyAfterTheHold(strategy)),
      await guarded(names.leaving, () => freesTheSlotOfAClientThatLeaves(strategy)),
      await guarded(names.group, () => readsOncePerCursor(strategy)),
    ];
    return { outcomes, notes: [] };
  } catch (error) {
    return { outcomes: [didNotStart(error)], notes: [] };
  }
}

async function wakesAParkedRequest(strategy: Strategy): Promise<CheckOutcome> {
  const check = checks().wakes;
  return withCheckServer(strategy, { settings: { holdTimeout: LONG_HOLD_MS } }, async ({ url }) => {
    const cursor = await currentCursor(url, strategy.name);
    const waiting = askForMessages(url, strategy.name, cursor, ABANDON_AFTER_MS);
    const parked = await heldBecomes(url, strategy.name, 1);
    if (!parked.reached) {
      waiting.leave();
      const hint = say(
        `a request with an up-to-date cursor (?since=${cursor}) was not held: /api/stats shows held ${parked.held}.\nIn park(), put the response in this.parked with its cursor and deadline (TODO 3).`,
        `带着最新游标（?since=${cursor}）的请求没有被挂起：/api/stats 显示 held ${parked.held}。\n在 park() 中，把 response 连同它的游标和截止时间放进 this.parked（TODO 3）。`,
      );
      return { check, passed: false, hint };
    }
    await post(url, strategy.name, 'ann', 'wake up');
    const reply = await answeredWithin(waiting, NO_ANSWER_AFTER_MS);
    if (!reply) {
      const hint = say(
        `the request was parked, then "wake up" was posted, and no answer came within ${NO_ANSWER_AFTER_MS} ms.\nwake() must take the parked requests off this.parked and answer them through answerGroup() (TODO 4).`,
        `请求已被挂起，随后发送了 "wake up"，但 ${NO_ANSWER_AFTER_MS} ms 内没有收到回答。\nwake() 必须把挂起的请求从 this.parked 中取出，并通过 answerGroup() 回答它们（TODO 4）。`,
      );
      return { check, passed: false, hint };
    }
    if (!carries(reply, ['wake up'])) {
      const got = `${reply.status} ${JSON.stringify(reply.body)}`;
      return { check, passed: false, hint: say(`after "wake up" was posted the parked request got ${got}`, `发送 "wake up" 之后，挂起的请求收到了 ${got}`) };
    }
    const released = await heldBecomes(url, strategy.name, 0);
    if (!released.reached) {
      const hint = say(
        `the request was answered, but /api/stats still counts ${released.held} held: wake() must take every request off this.parked (TODO 4).`,
        `请求已得到回答，但 /api/stats 仍显示 held ${released.held}：wake() 必须把每个请求都从 this.parked 中取出（TODO 4）。`,
      );
      return { check, passed: false, hint };
    }
    return { check, passed: true };
  });
}

async function keepsAMessageFromBetweenReadAndPark(strategy: Strategy): Promise<CheckOutcome> {
  const check = checks().race;
  const room = new WatchedRoom();
  return withCheckServer(strategy, { settings: { holdTimeout: LONG_HOLD_MS }, room }, async ({ url }) => {
    const cursor = await currentCursor(url, strategy.name);
    void room.appendDuringNextRead({ author: 'bob', text: 'slipped in' });
    const waiting = askForMessages(url, strategy.name, cursor);
    const reply = await waiting.reply;
    if (reply && carries(reply, ['slipped in'])) return { check, passed: true };
    const got = reply
      ? say(`got ${reply.status} ${JSON.stringify(reply.body)}`, `收到了 ${reply.status} ${JSON.stringify(reply.body)}`)
      : say(`was still unanswered after ${NO_ANSWER_AFTER_MS} ms`, `在 ${NO_ANSWER_AFTER_MS} ms 后仍未得到回答`);
    return {
      check,
      passed: false,
      hint: say(
        `"slipped in" was appended just after receive() read the room (the read found nothing after ${cursor}) and before park(); the request ${got}.\n` +
          "The message's wake() ran before the request was parked. In park(), return false when this.messagesSeen has moved past seenBefore (TODO 1): receive() then reads again.",
        `"slipped in" 恰好在 receive() 读取聊天室之后（这次读取在 ${cursor} 之后什么也没找到）、park() 之前被追加；该请求${got}。\n` +
          '这条消息的 wake() 在请求被挂起之前就运行了。在 park() 中，当 this.messagesSeen 已经越过 seenBefore 时返回 false（TODO 1）：receive() 随后会再读一次。',
      ),
    };
  });
}

async function answersEmptyAfterTheHold(strategy: Strategy): Promise<CheckOutcome> {
  const check = checks().timeout;
  return withCheckServer(strategy, { settings: { holdTimeout: SHORT_HOLD_MS } }, async ({ url }) => {
    const cursor = await currentCursor(url, strategy.name);
    const startedAt = Date.now();
    const reply = await askForMessages(url, strategy.name, cursor).reply;
    const elapsedMs = Date.now() - startedAt;
    if (!reply) {
      return {
        check,
        passed: false,
        hint: say(
          `a request with ?since=${cursor} was still unanswered after ${NO_ANSWER_AFTER_MS} ms, with nothing posted and a ${SHORT_HOLD_MS} ms hold timeout.\nIn park(), give it a deadline of now + this.settings.holdTimeoutMs and call this.startSweeping() (TODO 3): sweep() answers it once the deadline has passed.`,
          `没有发送任何消息，挂起超时为 ${SHORT_HOLD_MS} ms，带 ?since=${cursor} 的请求在 ${NO_ANSWER_AFTER_MS} ms 后仍未得到回答。\n在 park() 中，给它设定截止时间 now + this.settings.holdTimeoutMs，并调用 this.startSweeping()（TODO 3）：截止时间一过，sweep() 就会回答它。`,
        ),
      };
    }
    if (reply.status !== 200 || reply.body.messages?.length !== 0 || reply.body.cursor !== cursor) {
      const expected = `{"messages":[],"cursor":"${cursor}"}`;
      const got = `${reply.status} ${JSON.stringify(reply.body)}`;
      const hint = say(
        `expected ${expected} (the cursor it came with, so the client asks again from the same place), got ${got}`,
        `应为 ${expected}（带回它请求时的游标，客户端才能从同一位置再次请求），实际收到 ${got}`,
      );
      return { check, passed: false, hint };
    }
    const shortest = SHORT_HOLD_MS * (1 - JITTER) - TIMER_SLACK_MS;
    if (elapsedMs < shortest) {
      const hint = say(
        `answered after ${elapsedMs} ms: the hold (${SHORT_HOLD_MS} ms, give or take ${JITTER * 100}%) must pass first. Is the deadline now + this.settings.holdTimeoutMs?`,
        `${elapsedMs} ms 后就回答了：必须先等挂起时间（${SHORT_HOLD_MS} ms，上下浮动 ${JITTER * 100}%）过去。截止时间是 now + this.settings.holdTimeoutMs 吗？`,
      );
      return { check, passed: false, hint };
    }
    const released = await heldBecomes(url, strategy.name, 0);
    if (!released.reached) return { check, passed: false, hint: say(`answered, but /api/stats still counts ${released.held} held.`, `已经回答，但 /api/stats 仍显示 held ${released.held}。`) };
    return { check, passed: true };
  });
}

async function freesTheSlotOfAClientThatLeaves(strategy: Strategy): Promise<CheckOutcome> {
  const check = checks().leaving;
  return withCheckServer(strategy, { settings: { holdTimeout: LONG_HOLD_MS }, maxHeld: MAX_HELD }, async ({ url }) => {
    const cursor = await currentCursor(url, strategy.name);
    const leaving = openMany(url, strategy.name, cursor, MAX_HELD);
    const parked = await heldBecomes(url, strategy.name, MAX_HELD);
    leaving.forEach((request) => request.leave());
    if (!parked.reached) return { check, passed: false, hint: notAllParked(MAX_HELD, parked.held) };
    const emptied = await heldBecomes(url, strategy.name, 0);
    if (!emptied.reached) {
      const hint = say(
        `${MAX_HELD} parked clients left, and /api/stats still shows held ${emptied.held}.\nIn park(), on the response's 'close': if it is still in this.parked, delete it and release its slot (TODO 3).`,
        `${MAX_HELD} 个被挂起的客户端离开了，/api/stats 仍显示 held ${emptied.held}。\n在 park() 中，在 response 的 'close' 事件里：如果它还在 this.parked 中，就删除它并释放它的名额（TODO 3）。`,
      );
      return { check, passed: false, hint };
    }
    const arriving = openMany(url, strategy.name, cursor, MAX_HELD);
    const heldAgain = await becomesTrue(async () => arriving.some((request) => request.hasAnswer) || (await strategyStats(url, strategy.name)).held === MAX_HELD);
    const refused = await Promise.all(arriving.filter((request) => request.hasAnswer).map((request) => request.reply));
    arriving.forEach((request) => request.leave());
    if (heldAgain && refused.length === 0) return { check, passed: true };
    const answers = [...new Set(refused.map((reply) => `${reply?.status} ${JSON.stringify(reply?.body)}`))].join(say(' or ', ' 或 '));
    const what = refused.length > 0 ? say(`got ${answers}`, `收到了 ${answers}`) : say('were not all held', '没有全部被挂起');
    return {
      check,
      passed: false,
      hint: say(
        `after ${MAX_HELD} clients left, ${MAX_HELD} new ones arrived and ${what}: the slots of those who left were never given back.\n` +
          "In the response's 'close' handler, call this.heldBudget.release() for a request you took off this.parked, and only then: once per slot (TODO 3).",
        `${MAX_HELD} 个客户端离开之后，又来了 ${MAX_HELD} 个新客户端，它们${what}：离开者的名额从未归还。\n` +
          "在 response 的 'close' 处理函数中，只有当你把请求从 this.parked 中取出时，才调用 this.heldBudget.release()：每个名额一次（TODO 3）。",
      ),
    };
  });
}

async function readsOncePerCursor(strategy: Strategy): Promise<CheckOutcome> {
  const check = checks().group;
  const room = new WatchedRoom();
  return withCheckServer(strategy, { settings: { holdTimeout: LONG_HOLD_MS }, room }, async ({ url }) => {
    const cursor = await currentCursor(url, strategy.name);
    const clients = openMany(url, strategy.name, cursor, GROUP_SIZE);
    try {
      const parked = await heldBecomes(url, strategy.name, GROUP_SIZE);
      if (!parked.reached) return { check, passed: false, hint: notAllParked(GROUP_SIZE, parked.held) };
      room.resetReads();
      const posted = await post(url, strategy.name, 'ann', 'to all fifty');
      await becomesTrue(async () => clients.every((client) => client.hasAnswer));
      const replies = await Promise.all(clients.map((client) => (client.hasAnswer ? client.reply : undefined)));
      const delivered = replies.filter((reply) => reply && carries(reply, ['to all fifty']) && reply.body.cursor === posted.body.id).length;
      const reads = room.readsOf(cursor);
      if (delivered === GROUP_SIZE && reads === 1) return { check, passed: true };
      const seen = say(
        `${GROUP_SIZE} requests parked at ?since=${cursor}, one message posted: ${delivered} got it (with cursor ${posted.body.id}), and the room was read ${reads} times after ${cursor}.`,
        `${GROUP_SIZE} 个请求挂起在 ?since=${cursor}，发送了一条消息：${delivered} 个请求收到了它（游标为 ${posted.body.id}），而聊天室在 ${cursor} 之后被读取了 ${reads} 次。`,
      );
      const fix =
        delivered < GROUP_SIZE
          ? say('wake() must answer every parked request (TODO 4).', 'wake() 必须回答每一个挂起的请求（TODO 4）。')
          : say(
              'In wake(), group the parked requests by cursor and call answerGroup() once per cursor: one read and one serialization serve the whole group (TODO 4).',
              '在 wake() 中，按游标给挂起的请求分组，每个游标调用一次 answerGroup()：一次读取、一次序列化就能服务整组请求（TODO 4）。',
            );
      return { check, passed: false, hint: `${seen}\n${fix}` };
    } finally {
      clients.forEach((client) => client.leave());
    }
  });
}

/** The hint when fewer than `count` requests with an up-to-date cursor were seen held. */
function notAllParked(count: number, held: number): string {
  return say(
    `${count} requests with an up-to-date cursor: /api/stats shows held ${held}. park() must put each in this.parked (TODO 3).`,
    `${count} 个带着最新游标的请求：/api/stats 显示 held ${held}。park() 必须把每个请求都放进 this.parked（TODO 3）。`,
  );
}

/** The cursor a request without one is given: the room's newest message. */
async function currentCursor(url: string, strategy: string): Promise<string> {
  const answer = await receive(url, strategy);
  if (!answer || answer.status !== 200) {
    const got = answer ? `${answer.status} ${JSON.stringify(answer.body)}` : undefined;
    throw new Error(say(`a request without a cursor got ${got ?? 'no answer'}; it must get the history at once`, `不带游标的请求${got ? `收到了 ${got}` : '没有得到回答'}；它必须立即得到历史消息`));
  }
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
