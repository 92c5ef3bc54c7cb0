// What the browser tests share: a built client, a Chromium, and the few
// things a person does on the page (open it, type, read the conversation),
// written once so the tests read like what they check.

import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { buildWeb } from '../../web/build.ts';
import { launchBrowser } from '../../bench/report/chromium.ts';
import { post } from '../support/server.ts';

export const SCREENSHOTS = fileURLToPath(new URL('../../results/screenshots/', import.meta.url));
/** A laptop screen: what a student sees first. */
export const VIEWPORT = { width: 1280, height: 800 };
/** The browser's language in these tests: the page speaks English unless a test asks for another. */
export const ENGLISH_LOCALE = 'en-US';
/** How long a page may take to show what a test waits for. */
const WAIT_MS = 10_000;

let built: Promise<unknown> | undefined;

/** Build the client (once per test process), then start Chromium: a fresh clone needs no other step. */
export async function startBrowser(): Promise<Browser> {
  built ??= buildWeb();
  await built;
  await mkdir(SCREENSHOTS, { recursive: true });
  return launchBrowser();
}

/** A page in its own browser context (its own storage, like another person), that records dialogs and errors. */
export async function newPerson(browser: Browser, name: string): Promise<Person> {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: ENGLISH_LOCALE });
  await context.addInitScript((saved) => localStorage.setItem('pollbench.name', saved), name);
  const page = await context.newPage();
  const person: Person = { page, dialogs: [], errors: [] };
  page.on('dialog', (dialog) => {
    person.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => person.errors.push(error.message));
  return person;
}

/**
 * `count` tabs of one browser context, like one person's browser window: they
 * share its storage and its connections (at most six to one host at once).
 */
export async function newTabs(browser: Browser, name: string, count: number): Promise<Person[]> {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: ENGLISH_LOCALE });
  await context.addInitScript((saved) => localStorage.setItem('pollbench.name', saved), name);
  const tabs: Person[] = [];
  for (let index = 0; index < count; index++) {
    const tab: Person = { page: await context.newPage(), dialogs: [], errors: [] };
    tab.page.on('pageerror', (error) => tab.errors.push(error.message));
    tabs.push(tab);
  }
  return tabs;
}

export interface Person {
  page: Page;
  /** Every alert/confirm/prompt the page opened. */
  dialogs: string[];
  /** Every uncaught error in the page. */
  errors: string[];
}

/** Open the chat on a strategy and wait until its transport has heard from the server. */
export async function openChat(person: Person, baseUrl: string, strategy: string): Promise<void> {
  await person.page.goto(`${baseUrl}/?strategy=${strategy}`);
  await waitUntilListening(person.page, 'chat');
}

/**
 * Wait until the pane's transport has had its first answer: the status line
 * then says connected (short-poll) or waiting (a held long poll).
 */
export async function waitUntilListening(page: Page, pane: string): Promise<void> {
  await page.waitForFunction(
    (input) => {
      const status = document.getElementById(input)?.closest('.pane')?.querySelector('.status');
      return status?.getAttribute('data-state') === 'connected' || status?.getAttribute('data-state') === 'waiting';
    },
    `message-${pane}`,
    { timeout: WAIT_MS },
  );
}

/** Type into a pane's message box and press Enter. */
export async function say(page: Page, text: string, pane = 'chat'): Promise<void> {
  await page.fill(`#message-${pane}`, text);
  await page.press(`#message-${pane}`, 'Enter');
}

/** Post `texts` as `author` from outside the browser, each once the one before it was accepted. */
export async function postInTurn(server: { url: string }, strategy: string, author: string, texts: string[]): Promise<void> {
  for (const text of texts) {
    const { status } = await post(server, strategy, { author, text });
    if (status !== 201) throw new Error(`posting "${text}" answered ${status}`);
  }
}

/** The texts of the messages a pane shows, in order. */
export function shownTexts(page: Page, pane = 'chat'): Promise<string[]> {
  return page.$$eval(`.pane:has(#message-${pane}) .chat-log .message .text`, (nodes) => nodes.map((node) => node.textContent ?? ''));
}

/** Wait until a pane shows a message with exactly this text, delivered (not only sent). */
export async function waitForMessage(page: Page, text: string, pane = 'chat'): Promise<void> {
  await page.waitForFunction(
    ({ wanted, input }) => {
      const log = document.getElementById(input)?.closest('.pane')?.querySelector('.chat-log');
      return [...(log?.querySelectorAll('.message:not(.pending) .text') ?? [])].some((node) => node.textContent === wanted);
    },
    { wanted: text, input: `message-${pane}` },
    { timeout: WAIT_MS },
  );
}

/** The rows of a pane's wire table, newest first, as the page describes them. */
export function wireRows(page: Page, pane = 'chat') {
  return page.$$eval(`.pane:has(#message-${pane}) table.requests tbody tr`, (rows) =>
    rows.map((row) => ({
      state: row.getAttribute('data-state'),
      purpose: row.getAttribute('data-purpose'),
      url: row.getAttribute('data-url') ?? '',
      tookMs: Number(row.getAttribute('data-took-ms')),
      /** How long the browser kept it queued before sending it (0: sent at once, or not answered yet). */
      queuedMs: Number(row.getAttribute('data-queued-ms')),
      messages: Number(row.getAttribute('data-messages')),
      /** The status column as shown. */
      status: row.children[2]?.textContent ?? '',
      /** The row's explanation, shown on hover. */
      title: row.getAttribute('title') ?? '',
    })),
  );
}

/** Wait until a pane's status line is in `state` ("waiting", "reconnecting"...). */
export async function waitForStatus(page: Page, state: string, pane = 'chat'): Promise<void> {
  await page.waitForFunction(
    ({ wanted, input }) => document.getElementById(input)?.closest('.pane')?.querySelector('.status')?.getAttribute('data-state') === wanted,
    { wanted: state, input: `message-${pane}` },
    { timeout: WAIT_MS },
  );
}

/** A counter of a pane's wire view ("requests", "empty", "bytes", "delay", "average") as shown. */
export function wireCounter(page: Page, name: string, pane = 'chat'): Promise<string> {
  return page.$eval(`.pane:has(#message-${pane}) [data-counter="${name}"]`, (cell) => cell.textContent ?? '');
}
