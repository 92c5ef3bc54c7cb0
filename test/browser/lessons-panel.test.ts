// The Lessons panel shows the course beside the chat: every lesson, its
// figures from the bench run, links a browser can use, and nothing a lesson
// writes can run in the page.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchMarkerPaths } from '../../wire/lesson.ts';
import { loadLessons, readLessonMarkdown } from '../../lessons/catalog.ts';
import { en } from '../../web/i18n/en.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { ENGLISH_LOCALE, newPerson, SCREENSHOTS, startBrowser, VIEWPORT, type Person } from './pages.ts';

const WEB_FOLDER = fileURLToPath(new URL('../../web/', import.meta.url));
const LESSONS_FOLDER = fileURLToPath(new URL('../../lessons/', import.meta.url));

/** A small course of our own, so what these tests look for does not change when the real lessons do. */
const FIXTURE_LESSONS: Record<string, string> = {
  'index.json': JSON.stringify({
    lessons: [
      { number: 0, file: '00-demo.md', title: 'Demo', minutes: 5, teaches: [] },
      { number: 1, file: '01-second.md', title: 'Second', minutes: 5, teaches: [] },
      { number: 2, file: '02-hostile.md', title: 'Hostile', minutes: 5, teaches: [] },
    ],
  }),
  '00-demo.md': [
    '# Demo lesson',
    '',
    '> Teaches: [strategies/long-poll.ts](../strategies/long-poll.ts) and [the exercise](exercises/lesson-9/task.ts).',
    '> Next: [the second lesson](01-second.md).',
    '',
    '## Run it',
    '',
    '```sh server',
    'npm start',
    '```',
    '',
    'Idle short polling costs {{bench: points[strategy=short-poll,clients=100].idle.requestsPerSecond}} requests a second;',
    'SSE costs {{bench: points[strategy=sse,clients=100].idle.requestsPerSecond}}.',
    '',
    '<details open>',
    '<summary>Answers</summary>',
    '',
    'The answer is forty-two.',
    '',
    '</details>',
  ].join('\n'),
  '01-second.md': '# The second lesson\n\nBack to [the demo](00-demo.md#run-it).\n',
  '02-hostile.md': [
    '# Hostile lesson',
    '',
    `<img src="missing.png" onerror="window.ran.push('img onerror')">`,
    `<script>window.ran.push('script')</script>`,
    `<a href="javascript:window.ran.push('javascript link')">a link</a>`,
    `<iframe srcdoc="<script>parent.ran.push('iframe')</script>"></iframe>`,
    `<details open ontoggle="window.ran.push('ontoggle')"><summary>open me</summary>inside</details>`,
    '',
    `Text with <b onmouseover="window.ran.push('onmouseover')">bold</b> in it.`,
  ].join('\n'),
};

/** What a figure shows without a bench run, and for a strategy the run did not measure (the page in English). */
const { noBenchRun: NO_BENCH_RUN, notMeasured: NOT_MEASURED } = en.figures;
/** A bench run that measured short polling only. */
const FIXTURE_RESULTS = { points: [{ strategy: 'short-poll', clients: 100, idle: { requestsPerSecond: 99.87 } }] };

let browser: Browser;
let folder: string;
/** The real course, and no bench run. */
let course: TestServer;
/** The fixture course and its bench run. */
let fixture: TestServer;

beforeAll(async () => {
  browser = await startBrowser();
  folder = await mkdtemp(join(tmpdir(), 'pollbench-lessons-panel-'));
  const lessons = join(folder, 'lessons');
  const results = join(folder, 'results');
  const noResults = join(folder, 'no-results');
  for (const made of [lessons, results, noResults]) await mkdir(made);
  for (const [name, text] of Object.entries(FIXTURE_LESSONS)) await writeFile(join(lessons, name), text);
  await writeFile(join(results, 'latest.json'), JSON.stringify(FIXTURE_RESULTS));

  course = await startTestServer({ staticMounts: mounts(noResults, LESSONS_FOLDER) });
  fixture = await startTestServer({ staticMounts: mounts(results, lessons) });
});

afterAll(async () => {
  await browser?.close();
  await course?.stop();
  await fixture?.stop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

function mounts(results: string, lessons: string) {
  return [
    { urlPrefix: '/results', folder: results },
    { urlPrefix: '/lessons', folder: lessons },
    { urlPrefix: '/', folder: WEB_FOLDER },
  ];
}

/** Wait until the panel shows the lesson whose first heading is `title`. */
async function waitForLesson(page: Page, title: string): Promise<void> {
  await page.waitForFunction((wanted) => document.querySelector('.lesson h1')?.textContent === wanted, title);
}

function texts(page: Page, selector: string): Promise<string[]> {
  return page.$$eval(selector, (nodes) => nodes.map((node) => node.textContent ?? ''));
}

/** The first "# " heading of a lesson file, as the page shows it (no inline Markdown in our titles). */
function firstHeading(markdown: string): string {
  return /^# (.*)$/m.exec(markdown)![1].trim();
}

describe('the lessons panel', () => {
  it('lists every lesson of the course and shows each with its headings, code and no link that leads nowhere', async () => {
    const ann = await newPerson(browser, 'ann');
    const lessons = loadLessons();
    await ann.page.goto(`${course.url}/?strategy=long-poll&lesson=${lessons[0].number}`);
    await waitForLesson(ann.page, firstHeading(readLessonMarkdown(lessons[0])));

    const options = await texts(ann.page, '#lesson-choice option');
    expect(options).toHaveLength(lessons.length);
    lessons.forEach((lesson, index) => expect(options[index]).toContain(lesson.title));

    for (const lesson of lessons) {
      const markdown = readLessonMarkdown(lesson);
      await ann.page.selectOption('#lesson-choice', String(lesson.number));
      await waitForLesson(ann.page, firstHeading(markdown));
      expect(await ann.page.locator('.lesson h2').count(), `lesson ${lesson.number} has sections`).toBeGreaterThan(0);
      if (markdown.includes('```')) expect(await ann.page.locator('.lesson pre code').count()).toBeGreaterThan(0);
      // Every link opens another lesson, a page on the web, or a place in the lesson: none is relative to the repository.
      const hrefs = await ann.page.$$eval('.lesson a[href]', (links) => links.map((link) => link.getAttribute('href') ?? ''));
      for (const href of hrefs) expect(href, `a link in lesson ${lesson.number}`).toMatch(/^(\?lesson=\d+$|https?:|#)/);
      // Teacher's notes stay folded.
      expect(await ann.page.locator('.lesson details[open]').count()).toBe(0);
      // No bench run is served, so every figure says how to make one.
      const figures = await texts(ann.page, '.lesson .bench-figure');
      expect(figures).toEqual(benchMarkerPaths(markdown).map(() => NO_BENCH_RUN));
    }
    expect(ann.errors).toEqual([]);
    await ann.page.context().close();
  });

  it('fills figures from the bench run, labels code blocks, and shows repository links as paths', async () => {
    const ann = await newPerson(browser, 'ann');
    await ann.page.goto(`${fixture.url}/?lesson=0`);
    await waitForLesson(ann.page, 'Demo lesson');

    expect(await texts(ann.page, '.lesson h2')).toEqual(['Run it']);
    expect(await texts(ann.page, '.lesson pre code')).toEqual(['npm start\n']);
    expect(await texts(ann.page, '.lesson pre .fence-label')).toEqual(['sh · server']);
    expect(await texts(ann.page, '.lesson .bench-figure:not(.missing)')).toEqual(['99.9']);
    expect(await texts(ann.page, '.lesson .bench-figure.missing')).toEqual([NOT_MEASURED]);
    expect(await texts(ann.page, '.lesson code.repo-path')).toEqual(['strategies/long-poll.ts', 'lessons/exercises/lesson-9/task.ts']);
    expect(await ann.page.locator('.lesson details').count()).toBe(1);
    expect(await ann.page.getByText('The answer is forty-two.').isVisible()).toBe(false);
    await ann.page.screenshot({ path: join(SCREENSHOTS, 'lessons-panel.png') });

    // A link to another lesson opens it in the panel, and the address follows.
    await ann.page.click('.lesson a:text("the second lesson")');
    await waitForLesson(ann.page, 'The second lesson');
    expect(new URL(ann.page.url()).searchParams.get('lesson')).toBe('1');
    expect(ann.errors).toEqual([]);
    await ann.page.context().close();
  });

  it('remembers the lesson last read, and opens closed when the address names none', async () => {
    const ann = await newPerson(browser, 'ann');
    await ann.page.goto(`${fixture.url}/`);
    expect(await ann.page.locator('#lessons-details').getAttribute('open')).toBeNull();
    await ann.page.click('#lessons-details summary');
    await waitForLesson(ann.page, 'Demo lesson');
    await ann.page.selectOption('#lesson-choice', '1');
    await waitForLesson(ann.page, 'The second lesson');

    await ann.page.goto(`${fixture.url}/`);
    await ann.page.click('#lessons-details summary');
    await waitForLesson(ann.page, 'The second lesson');
    await ann.page.context().close();
  });

  it('runs nothing a lesson writes: no script, no event handler, no javascript: link', async () => {
    // Without the page's Content-Security-Policy, so that only the sanitizer stands between the lesson and the page.
    const context = await browser.newContext({ viewport: VIEWPORT, locale: ENGLISH_LOCALE, bypassCSP: true });
    await context.addInitScript(() => Object.assign(window, { ran: [] }));
    const mallory: Person = { page: await context.newPage(), dialogs: [], errors: [] };
    mallory.page.on('pageerror', (error) => mallory.errors.push(error.message));
    await mallory.page.goto(`${fixture.url}/?lesson=2`);
    await waitForLesson(mallory.page, 'Hostile lesson');

    const lesson = mallory.page.locator('.lesson');
    expect(await lesson.locator('script, iframe, details[open]').count()).toBe(0);
    const risky = await lesson.evaluate((root) =>
      [...root.querySelectorAll('*')].flatMap((node) =>
        [...node.attributes].filter((attribute) => /^on/i.test(attribute.name) || /^\s*javascript:/i.test(attribute.value)).map((attribute) => attribute.name),
      ),
    );
    expect(risky).toEqual([]);
    // Give the image its chance to fail (and a handler its chance to run), then hover and click what is there.
    await mallory.page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.lesson img')].every((image) => image.complete));
    await lesson.locator('b').hover();
    await lesson.locator('a:text("a link")').click();
    await lesson.locator('details summary').click();
    expect(await mallory.page.evaluate(() => (window as unknown as { ran: string[] }).ran)).toEqual([]);
    expect(mallory.errors).toEqual([]);
    await context.close();
  });
});
