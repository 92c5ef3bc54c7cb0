// The page in Simplified Chinese: chosen by ?lang=, by the browser's own
// language, or with the switch in the header (and then remembered); every
// sentence of the page's own in Chinese, drawn with a real CJK font.

import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLessons } from '../../lessons/catalog.ts';
import { zhCN } from '../../web/i18n/zh-CN.ts';
import { lessonTitle } from '../../wire/lesson.ts';
import { eventually, startTestServer, type TestServer } from '../support/server.ts';
import { englishWordsShown } from './english-words.ts';
import { ENGLISH_LOCALE, postInTurn, SCREENSHOTS, say, startBrowser, VIEWPORT, waitForMessage, waitForStatus, waitUntilListening, type Person } from './pages.ts';

/** The font Debian's fonts-noto-cjk installs, first of the Chinese fonts in style.css. */
const CJK_FONT = 'Noto Sans CJK SC';
/** A held request shows as one long bar after this long. */
const HELD_BAR_MS = 2000;

let browser: Browser;
let server: TestServer;

beforeAll(async () => {
  browser = await startBrowser();
  server = await startTestServer();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Someone whose browser speaks `locale`, with a name already chosen. */
async function personSpeaking(locale: string, name: string): Promise<Person> {
  const context = await browser.newContext({ viewport: VIEWPORT, locale });
  await context.addInitScript((saved) => localStorage.setItem('pollbench.name', saved), name);
  const person: Person = { page: await context.newPage(), dialogs: [], errors: [] };
  person.page.on('pageerror', (error) => person.errors.push(error.message));
  return person;
}

function text(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (node) => node.textContent?.trim() ?? '');
}

function htmlLang(page: Page): Promise<string> {
  return page.evaluate(() => document.documentElement.lang);
}

/** The families of the fonts Chromium really drew an element's text with (from its renderer, not from CSS). */
async function fontsDrawing(page: Page, selector: string): Promise<string[]> {
  const devtools = await page.context().newCDPSession(page);
  await devtools.send('DOM.enable');
  await devtools.send('CSS.enable');
  const { root } = await devtools.send('DOM.getDocument');
  const { nodeId } = await devtools.send('DOM.querySelector', { nodeId: root.nodeId, selector });
  const { fonts } = await devtools.send('CSS.getPlatformFontsForNode', { nodeId });
  await devtools.detach();
  return fonts.filter((font) => font.glyphCount > 0).map((font) => font.familyName);
}

describe('the page in Chinese', () => {
  it('speaks Chinese on /?lang=zh-CN: header, switcher, status line, wire view and every panel, with no English left', async () => {
    const ann = await personSpeaking(ENGLISH_LOCALE, 'ann');
    const { page } = ann;
    await page.goto(`${server.url}/?lang=zh-CN&strategy=long-poll`);
    await waitUntilListening(page, 'chat');
    await postInTurn(server, 'short-poll', 'bob', ['hello from bob, in English: people write what they like']);
    await waitForMessage(page, 'hello from bob, in English: people write what they like');
    await page.check('.switcher input[value="short-poll"]'); // a notice in the chat, and a row of short polls
    await say(page, '大家好');
    await waitForMessage(page, '大家好');
    for (const panel of ['lessons', 'server', 'join']) await page.click(`#${panel}-details summary`);
    const lessonZero = loadLessons()[0];
    await page.waitForFunction((title) => document.querySelector('#lesson-choice option:checked')?.textContent?.includes(title), lessonTitle(lessonZero, 'zh-CN'));
    await page.waitForSelector('article.lesson h1');
    await eventually(async () => (await text(page, '.chart-now[data-chart="held"]')).startsWith(zhCN.server.now), 'the server panel draws');

    expect(await htmlLang(page)).toBe('zh-CN');
    expect(await page.title()).toBe(zhCN.titles.chat);
    expect(await page.$$eval('header nav a', (links) => links.map((link) => link.textContent))).toEqual([zhCN.header.chat, zhCN.header.compare, zhCN.header.serverPanel]);
    expect(await text(page, '.switcher legend')).toBe(zhCN.switcher.legend);
    expect(await text(page, '.switcher label:has(input:checked)')).toBe(zhCN.strategies['short-poll'].label);
    expect(await text(page, '.status strong')).toBe(zhCN.status.states.connected);
    expect(await text(page, '.chat-log .notice')).toContain(zhCN.chat.switched('', zhCN.strategies['long-poll'].label, zhCN.strategies['short-poll'].label).trim());
    expect(await text(page, '.pane-wire h2')).toBe(zhCN.wire.heading);
    expect(await page.$$eval('.pane-wire th', (cells) => cells.map((cell) => cell.textContent))).toContain(zhCN.wire.columns.took);
    expect(await text(page, '#server-details .chart figcaption')).toBe(zhCN.server.requestsChart);
    expect(await text(page, '#join-panel .hint')).toContain(zhCN.join.localOnlyBefore.trim());
    expect(await text(page, 'label[for="lesson-choice"]')).toBe(zhCN.lessons.choose);
    expect(await englishWordsShown(page)).toEqual([]);
    expect(ann.errors).toEqual([]);
    await page.context().close();
  });

  it('speaks Chinese to a browser whose language is Chinese, with no ?lang= in the address', async () => {
    const { page, errors } = await personSpeaking('zh-CN', 'ann');
    await page.goto(`${server.url}/`);
    await waitUntilListening(page, 'chat');
    expect(await htmlLang(page)).toBe('zh-CN');
    expect(await text(page, '.switcher legend')).toBe(zhCN.switcher.legend);
    expect(await englishWordsShown(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('remembers English chosen with the switch in the header, after a reload without ?lang=', async () => {
    const { page, errors } = await personSpeaking('zh-CN', 'ann');
    await page.goto(`${server.url}/?strategy=sse`);
    await waitUntilListening(page, 'chat');
    await page.selectOption('#language', 'en');
    await page.waitForURL((url) => url.searchParams.get('lang') === 'en' && url.searchParams.get('strategy') === 'sse');
    await waitUntilListening(page, 'chat');
    expect(await htmlLang(page)).toBe('en');

    await page.goto(`${server.url}/`);
    await waitUntilListening(page, 'chat');
    expect(await htmlLang(page)).toBe('en');
    expect(await text(page, '.switcher legend')).toBe('Strategy');
    expect(await page.$eval('#language', (picker) => (picker as HTMLSelectElement).value)).toBe('en');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows the compare view and the server panel page in Chinese', async () => {
    const { page, errors } = await personSpeaking(ENGLISH_LOCALE, 'teacher');
    await page.goto(`${server.url}/compare?lang=zh-CN&left=short-poll&right=long-poll`);
    await waitUntilListening(page, 'left');
    await waitUntilListening(page, 'right');
    await say(page, '哪一边先看到我？', 'left');
    await waitForMessage(page, '哪一边先看到我？', 'right');
    expect(await htmlLang(page)).toBe('zh-CN');
    expect(await text(page, '.intro')).toBe(zhCN.comparePage.intro);
    expect(await englishWordsShown(page)).toEqual([]);

    await page.goto(`${server.url}/stats?lang=zh-CN`);
    await eventually(async () => (await text(page, '.chart-now[data-chart="requests"]')).startsWith(zhCN.server.now), 'the charts draw');
    expect(await htmlLang(page)).toBe('zh-CN');
    expect(await englishWordsShown(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('draws the Chinese with a real CJK font, and takes the picture of the chat in Chinese', async () => {
    const { page, errors } = await personSpeaking(ENGLISH_LOCALE, 'ann');
    await page.goto(`${server.url}/?lang=zh-CN&strategy=long-poll`);
    await waitUntilListening(page, 'chat');
    await postInTurn(server, 'sse', '小明', ['我用 SSE：浏览器一直开着一个事件流']);
    await waitForMessage(page, '我用 SSE：浏览器一直开着一个事件流');
    await say(page, '我用长轮询：看右边，我的请求被服务器挂起了');
    await waitForMessage(page, '我用长轮询：看右边，我的请求被服务器挂起了');
    await waitForStatus(page, 'waiting');
    await page.waitForFunction(
      (heldMs) => [...document.querySelectorAll('table.requests tr[data-state="open"]')].some((row) => Number(row.getAttribute('data-took-ms')) >= heldMs),
      HELD_BAR_MS,
    );

    // Chromium says which installed font drew the glyphs: the Chinese one, not a fallback box.
    expect(await fontsDrawing(page, '.pane-wire h2')).toContain(CJK_FONT);
    expect(await fontsDrawing(page, '.switcher legend')).toContain(CJK_FONT);
    await page.screenshot({ path: join(SCREENSHOTS, 'chat-zh-CN.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
