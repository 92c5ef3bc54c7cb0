// Checks lesson 8's exercise: a Server-Sent Events stream that resumes.
//
// It mounts the student's copy alone in a real server on a free port and
// plays the browser's EventSource (event-stream-client.ts): it opens the
// stream with ?since= as the chat page does, takes a few events of a burst,
// then drops the connection mid-conversation, as a lost network would; the
// events already on their way are lost with it. Messages are posted while it
// is away. It reconnects to the same URL sending Last-Event-ID, as
// EventSource does, and every message must arrive once, in order. Then: a
// bad Last-Event-ID is refused before the stream opens; a client away longer
// than the history reaches is told so (a gap event); and each stream takes a
// slot of the held budget and gives it back when it drops.

import { MemoryRoom } from '../../room/memory-room.ts';
import { JITTER } from '../../strategies/hold-jitter.ts';
import type { Strategy } from '../../strategies/strategy.ts';
import type { Config } from '../../wire/types.ts';
import { becomesTrue, NO_ANSWER_AFTER_MS, post } from './http-client.ts';
import { compareDeliveries, didNotStart, exportedStrategy, guarded, listed, strategyStats, withCheckServer } from './check-server.ts';
import { EventStreamClient, type StreamEvent } from './event-stream-client.ts';
import type { CheckOutcome } from './outcome.ts';

const HISTORY = ['before 1', 'before 2', 'before 3'];
const BURST = ['live 1', 'live 2', 'live 3', 'live 4', 'live 5', 'live 6'];
/** Events of the burst the client takes before its connection drops. */
const TAKEN_BEFORE_THE_CUT = 2;
const WHILE_AWAY = ['away 1', 'away 2'];
const BACK_AGAIN = 'back again';
/** The held budget (--max-held) of the check on streams that drop. */
const MAX_HELD = 2;
/** Messages the room of the gap check keeps, and how many it is given: the first ones are gone. */
const KEPT = 5;
const POSTED = 10;

const CHECKS = {
  ids: 'each message event carries its message id (an `id:` line), so the browser knows where it is',
  resume: `after a cut mid-burst, the stream reopened with Last-Event-ID delivers every message once, in order`,
  retry: 'the stream tells EventSource when to reconnect (a `retry:` line, about the retryMs of /api/config)',
  badId: 'a Last-Event-ID the room never gave out is refused with 400, before the stream opens',
  gap: `a stream resumed from further back than the history reaches (${KEPT} messages here) starts with a gap event, then what is left`,
  slots: `each stream takes a held slot and gives it back when it drops (--max-held ${MAX_HELD})`,
};

export async function checkSseResume(module: Record<string, unknown>): Promise<{ outcomes: CheckOutcome[]; notes: string[] }> {
  const strategy = exportedStrategy(module, 'sse');
  if (!strategy) {
    return { outcomes: [{ check: 'the file exports the strategy', passed: false, hint: 'keep the line `export const sse: Strategy = { ... }`' }], notes: [] };
  }
  try {
    const outcomes = await withCheckServer(strategy, {}, async ({ url }) => {
      const streams = new StreamChecker(url, strategy.name);
      let resume: Resume | undefined;
      const ids = await guarded(CHECKS.ids, async () => streams.judgeIds((resume = await streams.cutAndResume())));
      return [
        ids,
        await guarded(CHECKS.resume, async () => (resume ? streams.judgeResume(resume) : { check: CHECKS.resume, passed: false, hint: ids.hint })),
        await guarded(CHECKS.retry, async () => (resume ? streams.judgeRetry(resume) : { check: CHECKS.retry, passed: false, hint: ids.hint })),
        await guarded(CHECKS.badId, () => streams.refusesABadLastEventId()),
      ];
    });
    outcomes.push(await guarded(CHECKS.gap, () => saysWhatIsGone(strategy)));
    outcomes.push(await guarded(CHECKS.slots, () => releasesSlots(strategy)));
    return { outcomes, notes: [] };
  } catch (error) {
    return { outcomes: [didNotStart(error)], notes: [] };
  }
}

/** What the cut-and-resume run saw. */
interface Resume {
  /** The ?since= the stream was opened with (the last message of the history). */
  since: string;
  /** The burst's events the client took before the cut. */
  taken: StreamEvent[];
  /** What the client sent back as Last-Event-ID ('' for nothing, as EventSource does with no id). */
  lastEventId: string;
  /** The texts the reopened stream delivered. */
  resumed: string[];
  /** The `retry:` of the first stream, if it had one. */
  retry: number | undefined;
}

class StreamChecker {
  private readonly eventsUrl: string;

  constructor(
    private readonly url: string,
    private readonly strategy: string,
  ) {
    this.eventsUrl = `${url}/api/${strategy}/events`;
  }

  async cutAndResume(): Promise<Resume> {
    let since = '';
    for (const text of HISTORY) since = (await post(this.url, this.strategy, 'ann', text)).body.id;
    const streamUrl = `${this.eventsUrl}?since=${since}`;
    const first = await this.open(streamUrl, {});
    for (const text of BURST) await post(this.url, this.strategy, 'bob', text);
    const taken: StreamEvent[] = [];
    while (taken.length < TAKEN_BEFORE_THE_CUT) {
      const event = await first.next(NO_ANSWER_AFTER_MS);
      if (!event) break;
      if (event.event === 'message') taken.push(event);
    }
    const { lastEventId, retry } = first;
    first.cut();
    if (taken.length < TAKEN_BEFORE_THE_CUT) throw new Error(`a stream opened with ?since=${since}, then ${BURST.length} messages were posted, and only ${taken.length} events came within ${NO_ANSWER_AFTER_MS} ms`);

    for (const text of WHILE_AWAY) await post(this.url, this.strategy, 'ann', text);
    // EventSource reconnects to the same URL, and sends Last-Event-ID only when it has one.
    const second = await this.open(streamUrl, lastEventId === '' ? {} : { 'Last-Event-ID': lastEventId });
    try {
      const resumed = await takeUntil(second, WHILE_AWAY.at(-1)!);
      if (resumed.includes(WHILE_AWAY.at(-1)!)) {
        await post(this.url, this.strategy, 'bob', BACK_AGAIN);
        resumed.push(...(await takeUntil(second, BACK_AGAIN)));
      }
      return { since, taken, lastEventId, resumed, retry };
    } finally {
      second.cut();
    }
  }

  judgeIds({ taken }: Resume): CheckOutcome {
    const wrong = taken.filter((event) => event.lastEventId !== messageOf(event)?.id);
    if (wrong.length === 0) return { check: CHECKS.ids, passed: true };
    const seen = wrong.map((event) => `"${messageOf(event)?.text}" (message ${messageOf(event)?.id}) came with the last event id ${JSON.stringify(event.lastEventId)}`).join('; ');
    return { check: CHECKS.ids, passed: false, hint: `${seen}.\nIn eventsFor(), write \`id: <message.id>\` on the line before each message's data: line (TODO 4).` };
  }

  judgeResume({ since, taken, lastEventId, resumed }: Resume): CheckOutcome {
    const check = CHECKS.resume;
    const delivered = [...taken.map((event) => messageOf(event)?.text ?? event.data), ...resumed];
    const expected = [...BURST, ...WHILE_AWAY, BACK_AGAIN];
    const problem = compareDeliveries(delivered, expected);
    if (!problem) return { check, passed: true };
    const story = [
      `The stream opened with ?since=${since}; ${BURST.length} messages were posted; the client took ${listed(delivered.slice(0, taken.length))}, then its connection dropped.`,
      `${listed(WHILE_AWAY)} were posted meanwhile. It reconnected to the same URL ${lastEventId === '' ? 'with no Last-Event-ID (it had no id to send)' : `with Last-Event-ID: ${lastEventId}`} and got ${listed(resumed)}.`,
      `Wrong: ${problem}.`,
    ];
    const fix =
      lastEventId === ''
        ? 'The events carried no id, so EventSource had nothing to send back: write `id:` lines in eventsFor() (TODO 4).'
        : 'The reopened stream did not start after Last-Event-ID. In resumeCursor(), take the last-event-id header first, and ?since= only without one (TODO 1): EventSource reconnects to the URL it was opened with, ?since= included.';
    return { check, passed: false, hint: `${story.join('\n')}\n${fix}` };
  }

  async judgeRetry({ retry }: Resume): Promise<CheckOutcome> {
    const check = CHECKS.retry;
    const config = (await (await fetch(`${this.url}/api/config`, { signal: AbortSignal.timeout(NO_ANSWER_AFTER_MS) })).json()) as Config;
    const retryMs = Number(config.strategies.find((each) => each.name === this.strategy)?.retryMs);
    if (retry !== undefined && Number.isFinite(retryMs) && Math.abs(retry - retryMs) <= retryMs * JITTER + 1) return { check, passed: true };
    const seen = retry === undefined ? 'the stream sent no `retry:` line' : `the stream said retry: ${retry}, and /api/config says retryMs ${retryMs}`;
    return { check, passed: false, hint: `${seen}.\nIn open(), write \`retry: <ms>\\n\\n\` first: RECONNECT_DELAY_MS spread with withJitter() and rounded (TODO 3).` };
  }

  async refusesABadLastEventId(): Promise<CheckOutcome> {
    const check = CHECKS.badId;
    const since = (await post(this.url, this.strategy, 'ann', 'one more')).body.id;
    const stream = new EventStreamClient(`${this.eventsUrl}?since=${since}`, { 'Last-Event-ID': 'not-an-id' }, NO_ANSWER_AFTER_MS);
    const opened = await stream.opened;
    stream.cut();
    if (opened?.status === 400 && typeof parseJson(opened.refusal)?.error === 'string') return { check, passed: true };
    const got = opened ? `${opened.status}${opened.refusal ? ` ${opened.refusal}` : ' and an open stream'}` : 'no answer';
    return { check, passed: false, hint: `opened with ?since=${since} and Last-Event-ID: not-an-id, and got ${got}.\nresumeCursor() must hand the header to readFrom(), which throws for a cursor the room never gave out: the shell answers 400 (TODO 1).` };
  }

  /** Open a stream; throws, with what came back, unless it is a 200 stream. */
  private async open(streamUrl: string, headers: Record<string, string>): Promise<EventStreamClient> {
    const stream = new EventStreamClient(streamUrl, headers, NO_ANSWER_AFTER_MS);
    const opened = await stream.opened;
    if (opened?.status === 200) return stream;
    stream.cut();
    const shown = Object.entries(headers).map(([name, value]) => ` with ${name}: ${value}`).join('');
    throw new Error(`GET ${new URL(streamUrl).pathname}${new URL(streamUrl).search}${shown} got ${opened ? `${opened.status} ${opened.refusal}` : 'no answer'}`);
  }
}

async function saysWhatIsGone(strategy: Strategy): Promise<CheckOutcome> {
  const check = CHECKS.gap;
  return withCheckServer(strategy, { room: new MemoryRoom({ historyLimit: KEPT }) }, async ({ url }) => {
    const ids: string[] = [];
    for (let i = 1; i <= POSTED; i++) ids.push((await post(url, strategy.name, 'ann', `message ${i}`)).body.id);
    // ?since=, not Last-Event-ID, so that this check does not hang on TODO 1.
    const stream = new EventStreamClient(`${url}/api/${strategy.name}/events?since=${ids[1]}`, {}, NO_ANSWER_AFTER_MS);
    try {
      const opened = await stream.opened;
      if (opened?.status !== 200) return { check, passed: false, hint: `?since=${ids[1]} got ${opened ? `${opened.status} ${opened.refusal}` : 'no answer'}, not a stream.` };
      const events: string[] = [];
      while (events.length <= POSTED && events.at(-1) !== `message ${POSTED}`) {
        const event = await stream.next(NO_ANSWER_AFTER_MS);
        if (!event) break;
        events.push(event.event === 'message' ? (messageOf(event)?.text ?? event.data) : `(${event.event} event)`);
      }
      const expected = ['(gap event)', ...Array.from({ length: KEPT }, (_, index) => `message ${POSTED - KEPT + index + 1}`)];
      if (listed(events) === listed(expected)) return { check, passed: true };
      return {
        check,
        passed: false,
        hint:
          `the room keeps the last ${KEPT} of ${POSTED} messages; a stream opened with ?since=${ids[1]} (message 2) got ${listed(events)}.\n` +
          `Messages 3 to ${POSTED - KEPT} are gone, and the page read says so (page.gap): in eventsFor(), write \`event: \${SSE_GAP_EVENT}\\ndata: {}\\n\\n\` first (TODO 4).`,
      };
    } finally {
      stream.cut();
    }
  });
}

async function releasesSlots(strategy: Strategy): Promise<CheckOutcome> {
  const check = CHECKS.slots;
  return withCheckServer(strategy, { maxHeld: MAX_HELD }, async ({ url }) => {
    const eventsUrl = `${url}/api/${strategy.name}/events`;
    const held = async () => (await strategyStats(url, strategy.name)).held;
    const openAll = async (count: number) => Promise.all(Array.from({ length: count }, async () => {
      const stream = new EventStreamClient(eventsUrl, {}, NO_ANSWER_AFTER_MS);
      return { stream, status: (await stream.opened)?.status };
    }));

    const first = await openAll(MAX_HELD);
    const extra = (await openAll(1))[0];
    [...first, extra].forEach(({ stream }) => stream.cut());
    if (first.some(({ status }) => status !== 200)) return { check, passed: false, hint: `of ${MAX_HELD} streams opened, some got ${first.map(({ status }) => status ?? 'no answer').join(', ')} instead of 200.` };
    if (extra.status !== 503) {
      return { check, passed: false, hint: `with --max-held ${MAX_HELD} and ${MAX_HELD} streams open, one more got ${extra.status ?? 'no answer'}, not 503: a stream must take a slot, this.heldBudget.hold() (TODO 2).` };
    }
    let heldNow = -1;
    if (!(await becomesTrue(async () => (heldNow = await held()) === 0))) {
      return { check, passed: false, hint: `the streams dropped, and /api/stats still shows held ${heldNow}: on the response's 'close', this.streams.remove(response) (TODO 2).` };
    }
    const again = await openAll(MAX_HELD);
    again.forEach(({ stream }) => stream.cut());
    if (again.every(({ status }) => status === 200)) return { check, passed: true };
    return { check, passed: false, hint: `after ${MAX_HELD} streams dropped, ${MAX_HELD} new ones got ${again.map(({ status }) => status ?? 'no answer').join(', ')}: their slots were never given back. On the response's 'close', this.heldBudget.release() (TODO 2).` };
  });
}

/** Take message events until one carries `text`, or nothing more comes in time; their texts. */
async function takeUntil(stream: EventStreamClient, text: string): Promise<string[]> {
  const texts: string[] = [];
  for (;;) {
    const event = await stream.next(NO_ANSWER_AFTER_MS);
    if (!event) return texts;
    if (event.event !== 'message') continue;
    texts.push(messageOf(event)?.text ?? event.data);
    if (texts.at(-1) === text) return texts;
  }
}

function messageOf(event: StreamEvent): { id: string; text: string } | undefined {
  const message = parseJson(event.data) as { id?: unknown; text?: unknown } | undefined;
  return typeof message?.id === 'string' && typeof message.text === 'string' ? { id: message.id, text: message.text } : undefined;
}

function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  try {
    return JSON.parse(text ?? '') as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
