// Regenerate the README's reference screenshots from the page as it is today:
//
//   npm run screenshots
//
// Builds the page, starts pollbench the way a student does (shell/cli.ts, on
// a free port, with a fresh data folder), opens it in Chromium, has a short
// conversation over several strategies, and writes
//   results/screenshots/reference-chat.png        the chat on long-poll, a request held on the wire
//   results/screenshots/reference-chat-zh-CN.png  the same in Simplified Chinese (?lang=zh-CN)
//   results/screenshots/reference-compare.png     the compare view, short-poll beside long-poll
// Chinese needs a CJK font on the machine (Debian: apt-get install -y fonts-noto-cjk).
// A node-side script like build.ts: it never runs in the browser.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../bench/report/chromium.ts';
import type { Language } from '../wire/language.ts';
import type { Draft } from '../wire/types.ts';
import { buildWeb } from './build.ts';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCREENSHOTS = join(PROJECT_ROOT, 'results', 'screenshots');
/** A laptop screen, as the README shows it. */
const VIEWPORT = { width: 1280, height: 800 };
/** The server must print its address within this time. */
const SERVER_START_LIMIT_MS = 30_000;
/** A request open this long reads as held in the picture: one long bar. */
const HELD_BAR_MS = 2500;
/** Empty short polls the compare view's left side shows before the picture: a row of short bars. */
const SHORT_POLLS = 4;

/** The chat picture's conversation, in each language: bob, ann (typing on the page), carol, dan. */
const CONVERSATION: Record<Language, { file: string; lines: [string, string, string, string] }> = {
  en: {
    file: 'reference-chat.png',
    lines: [
      'hello ann, I am on short-poll',
      'hi bob! long-poll here: watch my request wait on the right',
      'my browser keeps one event stream open',
      'and mine a socket: I post with a frame',
    ],
  },
  'zh-CN': {
    file: 'reference-chat-zh-CN.png',
    lines: ['你好 ann，我用的是短轮询', '你好 bob！我用长轮询：看右边，我的请求在等待', '我的浏览器一直开着一个事件流', '我用 WebSocket：发消息也只是一帧'],
  },
};

const started = Date.now();
await buildWeb();
// One room per language, so the Chinese picture shows no English history (and the reverse).
const dataDirs = { en: await mkdtemp(join(tmpdir(), 'pollbench-screenshots-')), 'zh-CN': await mkdtemp(join(tmpdir(), 'pollbench-screenshots-')) };
const servers: { url: string; stop: () => Promise<void> }[] = [];
let browser: Browser | undefined;
try {
  const english = await startServer(dataDirs.en);
  servers.push(english);
  const chinese = await startServer(dataDirs['zh-CN']);
  servers.push(chinese);
  browser = await launchBrowser();
  await mkdir(SCREENSHOTS, { recursive: true });
  await chatScreenshot(browser, english.url, 'en');
  await chatScreenshot(browser, chinese.url, 'zh-CN');
  await compareScreenshot(browser, english.url);
  console.log(`wrote reference-chat.png, reference-chat-zh-CN.png and reference-compare.png into results/screenshots/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} finally {
  await browser?.close();
  for (const server of servers) await server.stop();
  for (const folder of Object.values(dataDirs)) await rm(folder, { recursive: true, force: true });
}

/** The chat on long-poll after a few messages from people on other strategies, its poll held. */
async function chatScreenshot(browser: Browser, url: string, language: Language): Promise<void> {
  const { file, lines } = CONVERSATION[language];
  const [bob, ann, carol, dan] = lines;
  const page = await openAs(browser, 'ann', `${url}/?strategy=long-poll&lang=${language}`);
  await postAs(url, 'short-poll', { author: 'bob', text: bob });
  await seen(page, bob);
  await page.fill('#message-chat', ann);
  await page.press('#message-chat', 'Enter');
  await seen(page, ann);
  await postAs(url, 'sse', { author: 'carol', text: carol });
  await seen(page, carol);
  await postAs(url, 'websocket', { author: 'dan', text: dan });
  await seen(page, dan);
  await heldFor(page, 'chat');
  await page.screenshot({ path: join(SCREENSHOTS, file) });
  await page.context().close();
}

/** Two chats in one room: short polls piling up on the left, one held long poll on the right. */
async function compareScreenshot(browser: Browser, url: string): Promise<void> {
  const page = await openAs(browser, 'teacher', `${url}/compare?left=short-poll&right=long-poll&lang=en`);
  await page.fill('#message-left', 'which side sees me first?');
  await page.press('#message-left', 'Enter');
  await seen(page, 'which side sees me first?', 'left');
  await seen(page, 'which side sees me first?', 'right');
  await page.waitForFunction(
    (count) => Number(document.querySelector('#left [data-counter="empty"]')?.textContent) >= count,
    SHORT_POLLS,
  );
  await heldFor(page, 'right');
  // The whole page: the two wire tables run below a laptop screen.
  await page.screenshot({ path: join(SCREENSHOTS, 'reference-compare.png'), fullPage: true });
  await page.context().close();
}

async function openAs(browser: Browser, name: string, url: string): Promise<Page> {
  // An English browser: only ?lang= decides the page's language, whatever this machine's locale.
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US' });
  await context.addInitScript((saved) => localStorage.setItem('pollbench.name', saved), name);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`the page failed: ${error.message}`));
  await page.goto(url);
  await page.waitForSelector('.status[data-state="waiting"], .status[data-state="connected"]');
  return page;
}

/** Someone chatting from elsewhere, through that strategy's own endpoint. */
async function postAs(url: string, strategy: string, draft: Draft): Promise<void> {
  const response = await fetch(`${url}/api/${strategy}/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(draft),
  });
  if (response.status !== 201) throw new Error(`posting as ${draft.author} answered ${response.status}: ${await response.text()}`);
}

/** Wait until the pane (chat, left, right) shows the message, delivered. */
async function seen(page: Page, text: string, pane = 'chat'): Promise<void> {
  await page.waitForFunction(
    ({ wanted, input }) =>
      [...(document.getElementById(input)?.closest('.pane')?.querySelectorAll('.message:not(.pending) .text') ?? [])].some((node) => node.textContent === wanted),
    { wanted: text, input: `message-${pane}` },
  );
}

/** Wait until the pane's wire view shows a request open for HELD_BAR_MS. */
async function heldFor(page: Page, pane: string): Promise<void> {
  await page.waitForFunction(
    ({ input, heldMs }) =>
      [...(document.getElementById(input)?.closest('.pane')?.querySelectorAll('table.requests tr[data-state="open"]') ?? [])].some(
        (row) => Number(row.getAttribute('data-took-ms')) >= heldMs,
      ),
    { input: `message-${pane}`, heldMs: HELD_BAR_MS },
  );
}

/** pollbench from its command line, on a free port; resolves once it prints its address. */
async function startServer(folder: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'shell/cli.ts', '--port', '0', '--data-dir', folder], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const giveUp = setTimeout(() => reject(new Error(`the server did not print its address within ${SERVER_START_LIMIT_MS} ms:\n${output}`)), SERVER_START_LIMIT_MS);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const address = /serving the chat on (http:\/\/\S+)/.exec(output)?.[1];
      if (address) {
        clearTimeout(giveUp);
        resolve(address);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(giveUp);
      reject(new Error(`the server exited with code ${code} before it served anything:\n${output}`));
    });
  });
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGINT'); // the server answers what it holds and exits by itself
      await exited;
    },
  };
}
