// Checks lesson 6's exercise: one long poll per browser, shared by its tabs.
//
// The student's shareLongPoll runs where it is meant to: in Chromium, in eight
// tabs of one browser, against a real server on a free port. The server
// serves the API and a small page (shared-poll-tab.ts, bundled with the file
// under check in place of the exercise) that starts shareLongPoll and keeps a
// record: what the tab delivered, and the long polls it sent. The checker
// reads the records and the server's /api/stats:
//   1. eight tabs open: the server holds one long poll, and one tab polls;
//   2. messages are posted: every tab delivers each one once, in order;
//   3. the leader's tab closes, more messages are posted at once: one other
//      tab takes over, still alone;
//   4. every tab still open has everything, once, in order.
// The server's hold is short, so the leader also meets empty answers.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../../bench/report/chromium.ts';
import { startShell, type RunningShell } from '../../shell/shell.ts';
import { say } from '../language.ts';
import { describeError, guarded, listed } from './check-server.ts';
import { becomesTrue, post, stats } from './http-client.ts';
import type { CheckOutcome } from './outcome.ts';
import { deliveredTwice, tabList, whatToFix, whatWentWrong } from './shared-poll-hints.ts';
import type { TabRecord } from './shared-poll-tab.ts';

const STRATEGY = 'long-poll';
const TABS = 8;
/** Short, so that the leader meets empty answers (hold timeouts) during the check, and must ask again. */
const HOLD_TIMEOUT_MS = 2000;
/** What the tabs must do within this long: deliver a message, take over, answer the checker. */
const WITHIN_MS = 5000;
/** Loading a tab and starting shareLongPoll, on a busy machine. */
const TAB_START_LIMIT_MS = 15_000;
/** The server's held count is watched this long, this often, for any second long poll. */
const WATCH_HELD_MS = 1500;
const WATCH_EVERY_MS = 50;
/** The page's script, bundled with the file under check in place of the exercise it imports. */
const TAB_SCRIPT = fileURLToPath(new URL('shared-poll-tab.ts', import.meta.url));
const EXERCISE_IMPORT = /exercises\/lesson-6\/shared-poll\.ts$/;
const PAGE_HTML = '<!doctype html>\n<title>verify 6: one long poll for every tab</title>\n<script type="module" src="/tab.js"></script>\n';

const BEFORE = ['one', 'two', 'three', 'four', 'five'];
/** Posted the moment the leader's tab has closed, before anyone has taken over. */
const DURING_HANDOVER = ['six', 'seven', 'eight'];
/** Posted once those arrived: the new leader keeps polling. */
const AFTER = ['nine'];

/** The checks, in the order they are reported; getters, so each is worded in the runner's language when it reports. */
const CHECKS = {
  get onePoll() {
    return say(`${TABS} tabs of one browser send one long poll between them: the server holds one request`, `同一浏览器的 ${TABS} 个标签页之间只发一个长轮询请求：服务器只挂起一个请求`);
  },
  get everyTab() {
    return say('every tab delivers every message, once and in order', '每个标签页都投递每条消息，恰好一次、按顺序');
  },
  get takeover() {
    return say("when the leader's tab closes, another tab takes over the polling, alone", '主标签页关闭后，另一个标签页接管轮询，并且只有它一个在轮询');
  },
  get handover() {
    return say(
      'every tab still open then delivers what was posted during the handover and after it: nothing lost, nothing twice',
      '之后每个仍打开的标签页都投递交接期间和交接之后发送的消息：不丢失，不重复',
    );
  },
};

interface Tab {
  number: number;
  page: Page;
}

export async function checkSharedPoll(module: Record<string, unknown>, file: string): Promise<{ outcomes: CheckOutcome[]; notes: string[] }> {
  if (typeof module.shareLongPoll !== 'function') {
    const hint = say('keep `export function shareLongPoll({ cursor, onMessages })`', '保留 `export function shareLongPoll({ cursor, onMessages })`');
    return { outcomes: [{ check: say('the file exports shareLongPoll', '文件导出了 shareLongPoll'), passed: false, hint }], notes: [] };
  }
  const work = await mkdtemp(join(tmpdir(), 'pollbench-lesson-6-'));
  let shell: RunningShell | undefined;
  let browser: Browser | undefined;
  try {
    try {
      await bundleTabPage(file, join(work, 'page'));
    } catch (error) {
      const hint = say(
        `bundling it for the browser failed: ${describeError(error)}\nIt runs in a browser: import only types from wire/, and no Node module.`,
        `为浏览器打包失败：${describeError(error)}\n它在浏览器中运行：只从 wire/ 导入类型，不要导入任何 Node 模块。`,
      );
      return { outcomes: [{ check: say('the file bundles for the browser', '文件能为浏览器打包'), passed: false, hint }], notes: [] };
    }
    shell = await startShell({
      port: 0,
      dataDir: work,
      defaultStrategy: STRATEGY,
      staticMounts: [{ urlPrefix: '/', folder: join(work, 'page') }],
      settings: { holdTimeout: HOLD_TIMEOUT_MS },
    });
    browser = await launchBrowser();
    let tabs: Tab[];
    try {
      tabs = await openTabs(await browser.newContext(), shell.url);
    } catch (error) {
      const hint = say(
        `${describeError(error)}\nshareLongPoll must return at once, and the polling loop must await each poll() and wait(): the tabs of a browser may share one thread.`,
        `${describeError(error)}\nshareLongPoll 必须立即返回，轮询循环必须 await 每次 poll() 和 wait()：同一浏览器的标签页可能共用一个线程。`,
      );
      return { outcomes: [{ check: say(`${TABS} tabs open and start shareLongPoll`, `${TABS} 个标签页打开并启动 shareLongPoll`), passed: false, hint }], notes: [] };
    }
    return await new SharedPollChecker(shell.url, tabs).run();
  } finally {
    await browser?.close();
    await shell?.close();
    await rm(work, { recursive: true, force: true });
  }
}

/** Write the page: index.html, and tab.js bundled with `file` as the exercise. */
async function bundleTabPage(file: string, folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  await build({
    entryPoints: [TAB_SCRIPT],
    outfile: join(folder, 'tab.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
    plugins: [{ name: 'the-file-under-check', setup: (bundler) => void bundler.onResolve({ filter: EXERCISE_IMPORT }, () => ({ path: file })) }],
  });
  await writeFile(join(folder, 'index.html'), PAGE_HTML);
}

/** Open the tabs one after another, like a person would; each is ready once it has started shareLongPoll. */
async function openTabs(context: BrowserContext, url: string): Promise<Tab[]> {
  const tabs: Tab[] = [];
  for (let number = 1; number <= TABS; number++) {
    const page = await context.newPage();
    try {
      await page.goto(url, { timeout: TAB_START_LIMIT_MS });
      await page.waitForFunction(() => window.tab?.started === true || (window.tab?.errors.length ?? 0) > 0, undefined, { timeout: TAB_START_LIMIT_MS });
    } catch {
      const seconds = TAB_START_LIMIT_MS / 1000;
      throw new Error(
        say(
          `tab ${number} had not loaded, started shareLongPoll and answered after ${seconds} s: is a loop running without await?`,
          `${seconds} 秒后，标签页 ${number} 仍未加载完、启动 shareLongPoll 并作出回应：是不是有循环没有 await？`,
        ),
      );
    }
    tabs.push({ number, page });
  }
  return tabs;
}

class SharedPollChecker {
  private readonly notes: string[] = [];

  constructor(
    private readonly url: string,
    private tabs: Tab[],
  ) {}

  async run(): Promise<{ outcomes: CheckOutcome[]; notes: string[] }> {
    const outcomes = [await guarded(CHECKS.onePoll, () => this.onePoll())];
    outcomes.push(await guarded(CHECKS.everyTab, () => this.everyTab()));
    outcomes.push(await guarded(CHECKS.takeover, () => this.takeover()));
    outcomes.push(await guarded(CHECKS.handover, () => this.handover()));
    const errors = (await this.records()).flatMap(({ tab, record }) => record.errors.map((error) => say(`tab ${tab.number}: ${error}`, `标签页 ${tab.number}：${error}`)));
    if (errors.length > 0) this.notes.push(`${say('errors in the pages:', '页面中的错误：')}\n${errors.slice(0, 5).join('\n')}`);
    return { outcomes, notes: this.notes };
  }

  private async onePoll(): Promise<CheckOutcome> {
    const check = CHECKS.onePoll;
    const someoneAsked = await becomesTrue(async () => (await this.held()) > 0, WITHIN_MS);
    const most = someoneAsked ? await this.mostHeld() : 0;
    const polling = await this.pollingTabs();
    if (most === 1 && polling.length === 1) return { check, passed: true };
    if (polling.length === 0) {
      const hint = say(
        'no tab sent a long poll, and the server held none.\nThe tab that holds the lock polls for all (TODO 3): navigator.locks.request(LEADER_LOCK, async () => { for (;;) { ... } }).',
        '没有标签页发出长轮询请求，服务器也没有挂起任何请求。\n持有锁的标签页替所有标签页轮询（TODO 3）：navigator.locks.request(LEADER_LOCK, async () => { for (;;) { ... } })。',
      );
      return { check, passed: false, hint };
    }
    const tabs = tabList(polling.map(({ tab }) => tab.number));
    const hint = say(
      `${polling.length} of the ${TABS} tabs sent long polls (tabs ${tabs}), and the server held up to ${most} at once (the browser sends at most six; the others wait in its queue).\nPoll only inside the lock's callback, which runs in one tab at a time (TODO 3).`,
      `${TABS} 个标签页中有 ${polling.length} 个发出了长轮询请求（标签页 ${tabs}），服务器同时最多挂起 ${most} 个（浏览器最多同时发出 6 个，其余在它的队列中等待）。\n只在锁的回调中轮询，这个回调每次只在一个标签页中运行（TODO 3）。`,
    );
    return { check, passed: false, hint };
  }

  private async everyTab(): Promise<CheckOutcome> {
    const check = CHECKS.everyTab;
    for (const text of BEFORE) await post(this.url, STRATEGY, 'ann', text);
    await this.deliveredAtLeast(BEFORE.length);
    const records = await this.records();
    const wrong = whatWentWrong(records, BEFORE);
    if (wrong === '') return { check, passed: true };
    const seen = say(`${listed(BEFORE)} were posted. ${wrong}.`, `已发送 ${listed(BEFORE)}。${wrong}。`);
    return { check, passed: false, hint: `${seen}\n${whatToFix(records, BEFORE)}` };
  }

  private async takeover(): Promise<CheckOutcome> {
    const check = CHECKS.takeover;
    const before = await this.records();
    // The leader: the tab with a poll out now, else the last one that polled, else the first tab.
    const leader = before.find(({ record }) => record.pollsOut > 0) ?? before.filter(({ record }) => record.pollsSent > 0).at(-1) ?? before[0];
    const sentBefore = new Map(before.map(({ tab, record }) => [tab.number, record.pollsSent]));
    const closedAt = Date.now();
    await leader.tab.page.close();
    this.tabs = this.tabs.filter((tab) => tab !== leader.tab);
    for (const text of DURING_HANDOVER) await post(this.url, STRATEGY, 'bob', text);

    const newPollers = async () => (await this.records()).filter(({ tab, record }) => record.pollsSent > sentBefore.get(tab.number)!);
    const someoneTookOver = await becomesTrue(async () => (await newPollers()).length > 0, WITHIN_MS);
    const tookOverMs = Date.now() - closedAt;
    if (someoneTookOver) await becomesTrue(async () => (await this.held()) <= 1, WITHIN_MS);
    const most = someoneTookOver ? await this.mostHeld() : 0;
    const pollers = await newPollers();
    if (pollers.length === 1 && most === 1) {
      const [led, sent, next] = [leader.tab.number, leader.record.pollsSent, pollers[0].tab.number];
      this.notes.push(
        say(
          `tab ${led} led and sent ${sent} long polls; when it closed, tab ${next} took over within ${tookOverMs} ms.`,
          `标签页 ${led} 是主标签页，发出了 ${sent} 个长轮询请求；它关闭后，标签页 ${next} 在 ${tookOverMs} ms 内接管。`,
        ),
      );
      return { check, passed: true };
    }
    const closed = leader.tab.number;
    if (pollers.length === 0) {
      const wasLeader = leader.record.pollsSent > 0;
      const hint = say(
        `tab ${closed}${wasLeader ? ', the leader,' : ''} was closed, and no other tab sent a long poll in the ${WITHIN_MS / 1000} s after.\nEvery tab asks for the lock; the browser runs the callback in the next one when the leader's tab closes (TODO 3).`,
        `标签页 ${closed}${wasLeader ? '（主标签页）' : ''}关闭了，之后 ${WITHIN_MS / 1000} 秒内没有其他标签页发出长轮询请求。\n每个标签页都请求这把锁；主标签页关闭时，浏览器在下一个标签页中运行回调（TODO 3）。`,
      );
      return { check, passed: false, hint };
    }
    const tabs = tabList(pollers.map(({ tab }) => tab.number));
    const hint = say(
      `after tab ${closed} closed, ${pollers.length} tabs sent long polls (tabs ${tabs}), and the server held up to ${most} at once.\nPoll only inside the lock's callback (TODO 3).`,
      `标签页 ${closed} 关闭后，有 ${pollers.length} 个标签页发出了长轮询请求（标签页 ${tabs}），服务器同时最多挂起 ${most} 个。\n只在锁的回调中轮询（TODO 3）。`,
    );
    return { check, passed: false, hint };
  }

  private async handover(): Promise<CheckOutcome> {
    const check = CHECKS.handover;
    const expected = [...BEFORE, ...DURING_HANDOVER, ...AFTER];
    const handedOver = await this.deliveredAtLeast(BEFORE.length + DURING_HANDOVER.length);
    for (const text of AFTER) await post(this.url, STRATEGY, 'ann', text);
    // A copy that lost the handover's messages is not waited for a second time.
    if (handedOver) await this.deliveredAtLeast(expected.length);
    const records = await this.records();
    const wrong = whatWentWrong(records, expected);
    if (wrong === '') return { check, passed: true };
    const twice = records.some(({ record }) => deliveredTwice(record.delivered));
    const fix = twice
      ? say(
          'The new leader polled from an older cursor than the last page it was relayed: every tab moves its cursor with each page it accepts (TODO 1), so the next leader starts where the last page ended.',
          '新的主标签页从比它收到的最后一页更旧的游标开始轮询：每个标签页每接受一页都要移动自己的游标（TODO 1），这样下一个主标签页才会从上一页结束的地方开始。',
        )
      : whatToFix(records, expected);
    const [during, after] = [listed(DURING_HANDOVER), listed(AFTER)];
    const seen = say(`${during} were posted as the leader's tab closed, then ${after}. ${wrong}.`, `主标签页关闭时发送了 ${during}，之后又发送了 ${after}。${wrong}。`);
    return { check, passed: false, hint: `${seen}\n${fix}` };
  }

  /** Each open tab's record. A tab whose page is stuck (a loop that never awaits) fails the check rather than hang it. */
  private async records(): Promise<{ tab: Tab; record: TabRecord }[]> {
    return Promise.all(
      this.tabs.map(async (tab) => {
        let giveUp: NodeJS.Timeout | undefined;
        const stuck = new Promise<never>((_resolve, reject) => {
          const why = say(
            `tab ${tab.number} did not answer within ${WITHIN_MS / 1000} s: its page is busy, is a loop running without await?`,
            `标签页 ${tab.number} 在 ${WITHIN_MS / 1000} 秒内没有回应：它的页面一直在忙，是不是有循环没有 await？`,
          );
          giveUp = setTimeout(() => reject(new Error(why)), WITHIN_MS);
        });
        try {
          return { tab, record: await Promise.race([tab.page.evaluate(() => window.tab), stuck]) };
        } finally {
          clearTimeout(giveUp);
        }
      }),
    );
  }

  /** Whether every tab delivered `count` messages within WITHIN_MS. */
  private async deliveredAtLeast(count: number): Promise<boolean> {
    return becomesTrue(async () => (await this.records()).every(({ record }) => record.delivered.length >= count), WITHIN_MS);
  }

  private async pollingTabs(): Promise<{ tab: Tab; record: TabRecord }[]> {
    return (await this.records()).filter(({ record }) => record.pollsSent > 0);
  }

  private async held(): Promise<number> {
    return (await stats(this.url)).strategies[STRATEGY].held;
  }

  /** The most long polls the server held at once while it was watched. */
  private async mostHeld(): Promise<number> {
    let most = 0;
    for (const stopAt = Date.now() + WATCH_HELD_MS; Date.now() < stopAt; ) {
      most = Math.max(most, await this.held());
      await new Promise((resolve) => setTimeout(resolve, WATCH_EVERY_MS));
    }
    return most;
  }
}
