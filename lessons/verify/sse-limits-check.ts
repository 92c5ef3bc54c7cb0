// Two checks of lesson 8's exercise that each need a server of their own:
//   - a room that keeps only its last few messages: a stream resumed from
//     further back must say that some are gone (a gap event), then send the rest;
//   - a server with a small held budget (--max-held): each open stream takes a
//     slot, one more is refused with 503, and a stream that drops gives its
//     slot back.

import { MemoryRoom } from '../../room/memory-room.ts';
import type { Strategy } from '../../strategies/strategy.ts';
import { say } from '../language.ts';
import { guarded, listed, strategyStats, withCheckServer } from './check-server.ts';
import { EventStreamClient, messageOf, noAnswer } from './event-stream-client.ts';
import { becomesTrue, NO_ANSWER_AFTER_MS, post } from './http-client.ts';
import type { CheckOutcome } from './outcome.ts';

/** Messages the room of the gap check keeps, and how many it is given: the first ones are gone. */
const KEPT = 5;
const POSTED = 10;
/** The held budget (--max-held) of the check on streams that drop. */
const MAX_HELD = 2;

/** A stream resumed from a message the room no longer keeps starts with a gap event. */
export async function checkGapEvent(strategy: Strategy): Promise<CheckOutcome> {
  const check = say(
    `a stream resumed from further back than the history reaches (${KEPT} messages here) starts with a gap event, then what is left`,
    `从比历史记录更早的位置恢复的流（这里历史记录只有 ${KEPT} 条消息）先发一个 gap 事件，再发剩下的消息`,
  );
  return guarded(check, () => withCheckServer(strategy, { room: new MemoryRoom({ historyLimit: KEPT }) }, async ({ url }) => {
    const ids: string[] = [];
    for (let i = 1; i <= POSTED; i++) ids.push((await post(url, strategy.name, 'ann', `message ${i}`)).body.id);
    // ?since=, not Last-Event-ID, so that this check does not hang on TODO 1.
    const stream = new EventStreamClient(`${url}/api/${strategy.name}/events?since=${ids[1]}`, {}, NO_ANSWER_AFTER_MS);
    try {
      const opened = await stream.opened;
      if (opened?.status !== 200) {
        const got = opened ? `${opened.status} ${opened.refusal}` : noAnswer();
        return { check, passed: false, hint: say(`?since=${ids[1]} got ${got}, not a stream.`, `?since=${ids[1]} 得到的是 ${got}，而不是一个流。`) };
      }
      const events: string[] = [];
      while (events.length <= POSTED && events.at(-1) !== `message ${POSTED}`) {
        const event = await stream.next(NO_ANSWER_AFTER_MS);
        if (!event) break;
        events.push(event.event === 'message' ? (messageOf(event)?.text ?? event.data) : eventNamed(event.event));
      }
      const expected = [eventNamed('gap'), ...Array.from({ length: KEPT }, (_, index) => `message ${POSTED - KEPT + index + 1}`)];
      if (listed(events) === listed(expected)) return { check, passed: true };
      const [got, lastGone] = [listed(events), POSTED - KEPT];
      const hint = say(
        `the room keeps the last ${KEPT} of ${POSTED} messages; a stream opened with ?since=${ids[1]} (message 2) got ${got}.\n` +
          `Messages 3 to ${lastGone} are gone, and the page read says so (page.gap): in eventsFor(), write \`event: \${SSE_GAP_EVENT}\\ndata: {}\\n\\n\` first (TODO 4).`,
        `聊天室只保留 ${POSTED} 条消息中的最后 ${KEPT} 条；用 ?since=${ids[1]}（第 2 条消息）打开的流收到了 ${got}。\n` +
          `第 3 到 ${lastGone} 条消息已经没有了，读到的那一页也这么说（page.gap）：在 eventsFor() 中先写 \`event: \${SSE_GAP_EVENT}\\ndata: {}\\n\\n\`（TODO 4）。`,
      );
      return { check, passed: false, hint };
    } finally {
      stream.cut();
    }
  }));
}

/** Each open stream holds a slot of --max-held, and gives it back when it drops. */
export async function checkHeldSlots(strategy: Strategy): Promise<CheckOutcome> {
  const check = say(`each stream takes a held slot and gives it back when it drops (--max-held ${MAX_HELD})`, `每个流占用一个挂起名额，断开时归还（--max-held ${MAX_HELD}）`);
  return guarded(check, () => withCheckServer(strategy, { maxHeld: MAX_HELD }, async ({ url }) => {
    const eventsUrl = `${url}/api/${strategy.name}/events`;
    const held = async () => (await strategyStats(url, strategy.name)).held;
    const openAll = async (count: number) => Promise.all(Array.from({ length: count }, async () => {
      const stream = new EventStreamClient(eventsUrl, {}, NO_ANSWER_AFTER_MS);
      return { stream, status: (await stream.opened)?.status };
    }));

    const first = await openAll(MAX_HELD);
    const extra = (await openAll(1))[0];
    [...first, extra].forEach(({ stream }) => stream.cut());
    if (first.some(({ status }) => status !== 200)) {
      const got = statuses(first);
      return { check, passed: false, hint: say(`of ${MAX_HELD} streams opened, some got ${got} instead of 200.`, `打开的 ${MAX_HELD} 个流中，有的得到的是 ${got}，而不是 200。`) };
    }
    if (extra.status !== 503) {
      const got = extra.status ?? noAnswer();
      const hint = say(
        `with --max-held ${MAX_HELD} and ${MAX_HELD} streams open, one more got ${got}, not 503: a stream must take a slot, this.heldBudget.hold() (TODO 2).`,
        `在 --max-held ${MAX_HELD} 且已有 ${MAX_HELD} 个流打开时，再开一个得到的是 ${got}，而不是 503：每个流都必须占用一个名额，this.heldBudget.hold()（TODO 2）。`,
      );
      return { check, passed: false, hint };
    }
    let heldNow = -1;
    if (!(await becomesTrue(async () => (heldNow = await held()) === 0))) {
      const hint = say(
        `the streams dropped, and /api/stats still shows held ${heldNow}: on the response's 'close', this.streams.remove(response) (TODO 2).`,
        `流已经断开，/api/stats 仍然显示 held ${heldNow}：在响应的 'close' 事件中调用 this.streams.remove(response)（TODO 2）。`,
      );
      return { check, passed: false, hint };
    }
    const again = await openAll(MAX_HELD);
    again.forEach(({ stream }) => stream.cut());
    if (again.every(({ status }) => status === 200)) return { check, passed: true };
    const hint = say(
      `after ${MAX_HELD} streams dropped, ${MAX_HELD} new ones got ${statuses(again)}: their slots were never given back. On the response's 'close', this.heldBudget.release() (TODO 2).`,
      `${MAX_HELD} 个流断开后，${MAX_HELD} 个新流得到的是 ${statuses(again)}：它们的名额从未归还。在响应的 'close' 事件中调用 this.heldBudget.release()（TODO 2）。`,
    );
    return { check, passed: false, hint };
  }));
}

/** "200, 503": the statuses some streams got, for a hint. */
function statuses(streams: { status: number | undefined }[]): string {
  return streams.map(({ status }) => status ?? noAnswer()).join(say(', ', '、'));
}

/** How an event other than a message shows in a hint: "(gap event)". */
function eventNamed(name: string): string {
  return say(`(${name} event)`, `（${name} 事件）`);
}
