// Checks lesson 8's exercise: a Server-Sent Events stream that resumes.
//
// It mounts the student's copy alone in a real server on a free port and
// plays the browser's EventSource (event-stream-client.ts): it opens the
// stream with ?since= as the chat page does, takes a few events of a burst,
// then drops the connection mid-conversation, as a lost network would; the
// events already on their way are lost with it. Messages are posted while it
// is away. It reconnects to the same URL sending Last-Event-ID, as
// EventSource does, and every message must arrive once, in order. Then: a
// bad Last-Event-ID is refused before the stream opens; and, each on a server
// of its own (sse-limits-check.ts), a client away longer than the history
// reaches is told so (a gap event), and each stream takes a slot of the held
// budget and gives it back when it drops.

import { JITTER } from '../../strategies/hold-jitter.ts';
import type { Config } from '../../wire/types.ts';
import { say } from '../language.ts';
import { NO_ANSWER_AFTER_MS, post } from './http-client.ts';
import { compareDeliveries, didNotStart, exportedStrategy, guarded, listed, withCheckServer } from './check-server.ts';
import { EventStreamClient, messageOf, noAnswer, parseJson, type StreamEvent } from './event-stream-client.ts';
import type { CheckOutcome } from './outcome.ts';
import { checkGapEvent, checkHeldSlots } from './sse-limits-check.ts';

const HISTORY = ['before 1', 'before 2', 'before 3'];
const BURST = ['live 1', 'live 2', 'live 3', 'live 4', 'live 5', 'live 6'];
/** Events of the burst the client takes before its connection drops. */
const TAKEN_BEFORE_THE_CUT = 2;
const WHILE_AWAY = ['away 1', 'away 2'];
const BACK_AGAIN = 'back again';

/** The checks, in the order they are reported; getters, so each is worded in the runner's language when it reports. */
const CHECKS = {
  get ids() {
    return say('each message event carries its message id (an `id:` line), so the browser knows where it is', '每个 message 事件都带着它的消息 id（一行 `id:`），让浏览器知道自己读到了哪里');
  },
  get resume() {
    return say('after a cut mid-burst, the stream reopened with Last-Event-ID delivers every message once, in order', '一串消息中途断开后，带 Last-Event-ID 重新打开的流把每条消息投递恰好一次、按顺序');
  },
  get retry() {
    return say('the stream tells EventSource when to reconnect (a `retry:` line, about the retryMs of /api/config)', '流告诉 EventSource 何时重连（一行 `retry:`，约等于 /api/config 中的 retryMs）');
  },
  get badId() {
    return say('a Last-Event-ID the room never gave out is refused with 400, before the stream opens', '聊天室从未给出过的 Last-Event-ID 在流打开之前就被以 400 拒绝');
  },
};

export async function checkSseResume(module: Record<string, unknown>): Promise<{ outcomes: CheckOutcome[]; notes: string[] }> {
  const strategy = exportedStrategy(module, 'sse');
  if (!strategy) {
    const hint = say('keep the line `export const sse: Strategy = { ... }`', '保留这一行：`export const sse: Strategy = { ... }`');
    return { outcomes: [{ check: say('the file exports the strategy', '文件导出了这个策略'), passed: false, hint }], notes: [] };
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
    outcomes.push(await checkGapEvent(strategy));
    outcomes.push(await checkHeldSlots(strategy));
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
    if (taken.length < TAKEN_BEFORE_THE_CUT) {
      throw new Error(
        say(
          `a stream opened with ?since=${since}, then ${BURST.length} messages were posted, and only ${taken.length} events came within ${NO_ANSWER_AFTER_MS} ms`,
          `用 ?since=${since} 打开一个流，然后发送了 ${BURST.length} 条消息，${NO_ANSWER_AFTER_MS} ms 内只收到 ${taken.length} 个事件`,
        ),
      );
    }

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
    const seen = wrong.map((event) => {
      const [text, id, lastId] = [messageOf(event)?.text, messageOf(event)?.id, JSON.stringify(event.lastEventId)];
      return say(`"${text}" (message ${id}) came with the last event id ${lastId}`, `“${text}”（消息 ${id}）到达时，最后事件 id 是 ${lastId}`);
    });
    const hint = say(
      `${seen.join('; ')}.\nIn eventsFor(), write \`id: <message.id>\` on the line before each message's data: line (TODO 4).`,
      `${seen.join('；')}。\n在 eventsFor() 中，在每条消息的 data: 行之前写一行 \`id: <message.id>\`（TODO 4）。`,
    );
    return { check: CHECKS.ids, passed: false, hint };
  }

  judgeResume({ since, taken, lastEventId, resumed }: Resume): CheckOutcome {
    const check = CHECKS.resume;
    const delivered = [...taken.map((event) => messageOf(event)?.text ?? event.data), ...resumed];
    const expected = [...BURST, ...WHILE_AWAY, BACK_AGAIN];
    const problem = compareDeliveries(delivered, expected);
    if (!problem) return { check, passed: true };
    const [took, away, got] = [listed(delivered.slice(0, taken.length)), listed(WHILE_AWAY), listed(resumed)];
    const story = [
      say(
        `The stream opened with ?since=${since}; ${BURST.length} messages were posted; the client took ${took}, then its connection dropped.`,
        `流用 ?since=${since} 打开；发送了 ${BURST.length} 条消息；客户端取走了 ${took}，然后连接断开。`,
      ),
      lastEventId === ''
        ? say(
            `${away} were posted meanwhile. It reconnected to the same URL with no Last-Event-ID (it had no id to send) and got ${got}.`,
            `这期间发送了 ${away}。它不带 Last-Event-ID（它没有 id 可发）重新连接同一个 URL，收到了 ${got}。`,
          )
        : say(
            `${away} were posted meanwhile. It reconnected to the same URL with Last-Event-ID: ${lastEventId} and got ${got}.`,
            `这期间发送了 ${away}。它带着 Last-Event-ID: ${lastEventId} 重新连接同一个 URL，收到了 ${got}。`,
          ),
      say(`Wrong: ${problem}.`, `问题：${problem}。`),
    ];
    const fix =
      lastEventId === ''
        ? say(
            'The events carried no id, so EventSource had nothing to send back: write `id:` lines in eventsFor() (TODO 4).',
            '事件没有带 id，所以 EventSource 没有可以发回的东西：在 eventsFor() 中写 `id:` 行（TODO 4）。',
          )
        : say(
            'The reopened stream did not start after Last-Event-ID. In resumeCursor(), take the last-event-id header first, and ?since= only without one (TODO 1): EventSource reconnects to the URL it was opened with, ?since= included.',
            '重新打开的流没有从 Last-Event-ID 之后开始。在 resumeCursor() 中先取 last-event-id 请求头，没有它时才用 ?since=（TODO 1）：EventSource 重连的是它最初打开的 URL，包括 ?since=。',
          );
    return { check, passed: false, hint: `${story.join('\n')}\n${fix}` };
  }

  async judgeRetry({ retry }: Resume): Promise<CheckOutcome> {
    const check = CHECKS.retry;
    const config = (await (await fetch(`${this.url}/api/config`, { signal: AbortSignal.timeout(NO_ANSWER_AFTER_MS) })).json()) as Config;
    const retryMs = Number(config.strategies.find((each) => each.name === this.strategy)?.retryMs);
    if (retry !== undefined && Number.isFinite(retryMs) && Math.abs(retry - retryMs) <= retryMs * JITTER + 1) return { check, passed: true };
    const seen =
      retry === undefined
        ? say('the stream sent no `retry:` line', '流没有发送 `retry:` 行')
        : say(`the stream said retry: ${retry}, and /api/config says retryMs ${retryMs}`, `流给出的是 retry: ${retry}，而 /api/config 给出的 retryMs 是 ${retryMs}`);
    const hint = say(
      `${seen}.\nIn open(), write \`retry: <ms>\\n\\n\` first: RECONNECT_DELAY_MS spread with withJitter() and rounded (TODO 3).`,
      `${seen}。\n在 open() 中先写 \`retry: <ms>\\n\\n\`：RECONNECT_DELAY_MS 用 withJitter() 加上抖动后取整（TODO 3）。`,
    );
    return { check, passed: false, hint };
  }

  async refusesABadLastEventId(): Promise<CheckOutcome> {
    const check = CHECKS.badId;
    const since = (await post(this.url, this.strategy, 'ann', 'one more')).body.id;
    const stream = new EventStreamClient(`${this.eventsUrl}?since=${since}`, { 'Last-Event-ID': 'not-an-id' }, NO_ANSWER_AFTER_MS);
    const opened = await stream.opened;
    stream.cut();
    if (opened?.status === 400 && typeof parseJson(opened.refusal)?.error === 'string') return { check, passed: true };
    let got = noAnswer();
    if (opened) got = opened.refusal ? `${opened.status} ${opened.refusal}` : say(`${opened.status} and an open stream`, `${opened.status}，以及一个打开的流`);
    const hint = say(
      `opened with ?since=${since} and Last-Event-ID: not-an-id, and got ${got}.\nresumeCursor() must hand the header to readFrom(), which throws for a cursor the room never gave out: the shell answers 400 (TODO 1).`,
      `用 ?since=${since} 和 Last-Event-ID: not-an-id 打开，得到 ${got}。\nresumeCursor() 必须把这个请求头交给 readFrom()，对聊天室从未给出过的游标它会抛出异常：外壳于是回答 400（TODO 1）。`,
    );
    return { check, passed: false, hint };
  }

  /** Open a stream; throws, with what came back, unless it is a 200 stream. */
  private async open(streamUrl: string, headers: Record<string, string>): Promise<EventStreamClient> {
    const stream = new EventStreamClient(streamUrl, headers, NO_ANSWER_AFTER_MS);
    const opened = await stream.opened;
    if (opened?.status === 200) return stream;
    stream.cut();
    const { pathname, search } = new URL(streamUrl);
    const withHeaders = Object.entries(headers).map(([name, value]) => say(` with ${name}: ${value}`, `，带 ${name}: ${value}`)).join('');
    const got = opened ? `${opened.status} ${opened.refusal}` : noAnswer();
    throw new Error(say(`GET ${pathname}${search}${withHeaders} got ${got}`, `GET ${pathname}${search}${withHeaders}，得到 ${got}`));
  }
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
