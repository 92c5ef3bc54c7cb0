// The Lessons panel in the page's language: each lesson from lessons/zh-CN/
// when the page speaks Chinese, the English while a translation is missing
// (saying so), and links resolved from the translation's own folder.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zhCN } from '../../web/i18n/zh-CN.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { newPerson, startBrowser } from './pages.ts';

const WEB_FOLDER = fileURLToPath(new URL('../../web/', import.meta.url));

/** A course of three lessons: two translated, the third not yet (and listed without "titles", as before translations). */
const FIXTURE_LESSONS: Record<string, string> = {
  'index.json': JSON.stringify({
    lessons: [
      { number: 0, file: '00-demo.md', title: 'Demo', titles: { 'zh-CN': '演示' }, minutes: 5, teaches: [] },
      { number: 1, file: '01-second.md', title: 'Second', titles: { 'zh-CN': '第二课' }, minutes: 5, teaches: [] },
      { number: 2, file: '02-later.md', title: 'Later', minutes: 5, teaches: [] },
    ],
  }),
  '00-demo.md': '# Demo lesson\n\nShort polling costs {{bench: points[strategy=short-poll,clients=100].idle.requestsPerSecond}} requests a second.\n',
  '01-second.md': '# The second lesson\n',
  '02-later.md': '# A later lesson\n\nNot translated yet.\n',
  'zh-CN/00-demo.md': [
    '# 演示课',
    '',
    '> 讲解 [strategies/long-poll.ts](../../strategies/long-poll.ts)。下一课：[第二课](01-second.md)。[英文原文](../00-demo.md)。',
    '',
    '```sh server',
    'npm start',
    '```',
    '',
    '空闲时短轮询每秒 {{bench: points[strategy=short-poll,clients=100].idle.requestsPerSecond}} 个请求；',
    'SSE 是 {{bench: points[strategy=sse,clients=100].idle.requestsPerSecond}}。',
  ].join('\n'),
  'zh-CN/01-second.md': '# 第二课\n\n回到[演示课](00-demo.md#run-it)。\n\n中文的一段话在这里\n换行，不留空格；后面是 English\n单词。\n',
};

/** A bench run that measured short polling only. */
const FIXTURE_RESULTS = { points: [{ strategy: 'short-poll', clients: 100, idle: { requestsPerSecond: 99.87 } }] };

let browser: Browser;
let folder: string;
let server: TestServer;

beforeAll(async () => {
  browser = await startBrowser();
  folder = await mkdtemp(join(tmpdir(), 'pollbench-lessons-language-'));
  await mkdir(join(folder, 'lessons', 'zh-CN'), { recursive: true });
  await mkdir(join(folder, 'results'));
  for (const [name, text] of Object.entries(FIXTURE_LESSONS)) await writeFile(join(folder, 'lessons', name), text);
  await writeFile(join(folder, 'results', 'latest.json'), JSON.stringify(FIXTURE_RESULTS));
  server = await startTestServer({
    staticMounts: [
      { urlPrefix: '/results', folder: join(folder, 'results') },
      { urlPrefix: '/lessons', folder: join(folder, 'lessons') },
      { urlPrefix: '/', folder: WEB_FOLDER },
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

async function waitForLesson(page: Page, title: string): Promise<void> {
  await page.waitForFunction((wanted) => document.querySelector('.lesson h1')?.textContent === wanted, title);
}

function texts(page: Page, selector: string): Promise<string[]> {
  return page.$$eval(selector, (nodes) => nodes.map((node) => node.textContent ?? ''));
}

describe('the lessons panel in Chinese', () => {
  it('lists the Chinese titles and shows the translation, its figures and notes in Chinese, its links resolved from lessons/zh-CN/', async () => {
    const ann = await newPerson(browser, 'ann');
    const { page } = ann;
    await page.goto(`${server.url}/?lang=zh-CN&lesson=0`);
    await waitForLesson(page, '演示课');

    expect(await texts(page, '#lesson-choice option')).toEqual([
      zhCN.lessons.option(0, '演示', 5),
      zhCN.lessons.option(1, '第二课', 5),
      zhCN.lessons.option(2, 'Later', 5),
    ]);
    expect(await page.getAttribute('article.lesson', 'lang')).toBe('zh-CN');
    expect(await texts(page, '.lesson code.repo-path')).toEqual(['strategies/long-poll.ts']);
    expect(await page.$$eval('.lesson a', (links) => links.map((link) => [link.textContent, link.getAttribute('href')]))).toEqual([
      ['第二课', '?lesson=1'],
      ['英文原文', '?lesson=0'],
    ]);
    expect(await texts(page, '.lesson .bench-figure:not(.missing)')).toEqual(['99.9']);
    expect(await texts(page, '.lesson .bench-figure.missing')).toEqual([zhCN.figures.notMeasured]);
    expect(await page.getAttribute('.lesson .fence-label', 'title')).toBe(zhCN.lessons.fenceNotes.server);

    // A link to another lesson's translation opens it in the panel.
    await page.click('.lesson a:text("第二课")');
    await waitForLesson(page, '第二课');
    expect(new URL(page.url()).searchParams.get('lesson')).toBe('1');
    // A line break between Chinese characters is not a space; beside a Latin word it still is.
    expect((await texts(page, '.lesson p'))[1]).toBe('中文的一段话在这里换行，不留空格；后面是 English\n单词。');
    await page.click('.lesson a:text("演示课")');
    await waitForLesson(page, '演示课');
    expect(ann.errors).toEqual([]);
    await page.context().close();
  });

  it('shows a lesson not translated yet in English, marked as English, saying so in Chinese', async () => {
    const ann = await newPerson(browser, 'ann');
    await ann.page.goto(`${server.url}/?lang=zh-CN&lesson=2`);
    await waitForLesson(ann.page, 'A later lesson');
    expect(await ann.page.getAttribute('article.lesson', 'lang')).toBe('en');
    expect(await texts(ann.page, '.lesson p.hint')).toEqual([zhCN.lessons.untranslated]);
    expect(ann.errors).toEqual([]);
    await ann.page.context().close();
  });

  it('shows the English lesson on an English page, though a translation exists', async () => {
    const ann = await newPerson(browser, 'ann');
    await ann.page.goto(`${server.url}/?lang=en&lesson=0`);
    await waitForLesson(ann.page, 'Demo lesson');
    expect(await ann.page.locator('.lesson p.hint').count()).toBe(0);
    expect(ann.errors).toEqual([]);
    await ann.page.context().close();
  });
});
