// The chat page in a real browser: people chat under every strategy the
// client speaks, switch strategy without losing a message, and markup in a
// message stays text.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { strategies } from '../../strategies/registry.ts';
import { hasTransport } from '../../web/transports/registry.ts';
import type { Config } from '../../wire/types.ts';
import { getJson, post, startTestServer, type TestServer } from '../support/server.ts';
import { SCREENSHOTS, newPerson, openChat, postInTurn, say, shownTexts, startBrowser, waitForMessage, wireRows } from './pages.ts';

/** Messages posted, one after another, around each switch of strategy. */
const BURST = 10;
/** Every strategy the server offers (as /api/config lists them) that this client has a transport for. */
const spoken = strategies.map((strategy) => strategy.name).filter(hasTransport);

let browser: Browser;
let server: TestServer;

beforeAll(async () => {
  browser = await startBrowser();
  // Millisecond mtimes: a reply in the same second as the message before it
  // is not lost here (that flaw has tests of its own, server side).
  server = await startTestServer({ settings: { pollInterval: 200, mtimeResolutionMs: 1 } });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the chat page', () => {
  it('offers exactly the strategies /api/config lists, with a transport for the ones tested here', async () => {
    const { body: config } = await getJson<Config>(`${server.url}/api/config`);
    expect(config.strategies.map((strategy) => strategy.name).filter(hasTransport)).toEqual(spoken);
    const ann = await newPerson(browser, 'ann');
    await openChat(ann, server.url, 'long-poll');
    const radios = await ann.page.$$eval('.switcher input', (inputs) =>
      (inputs as HTMLInputElement[]).map((input) => ({ name: input.value, disabled: input.disabled })),
    );
    expect(radios.map((radio) => radio.name)).toEqual(config.strategies.map((strategy) => strategy.name));
    for (const radio of radios) expect(radio.disabled).toBe(!hasTransport(radio.name));
    await ann.page.context().close();
  });

  it.each(spoken)('lets two people exchange messages over %s', async (strategy) => {
    const ann = await newPerson(browser, 'ann');
    const bob = await newPerson(browser, 'bob');
    await openChat(ann, server.url, strategy);
    await openChat(bob, server.url, strategy);

    await say(ann.page, `hello bob, over ${strategy}`);
    await waitForMessage(bob.page, `hello bob, over ${strategy}`);
    await say(bob.page, `hi ann, back over ${strategy}`);
    await waitForMessage(ann.page, `hi ann, back over ${strategy}`);

    const authors = await bob.page.$$eval('.chat-log .message .author', (nodes) => nodes.map((node) => node.textContent));
    expect(authors.slice(-2)).toEqual(['ann', 'bob']);
    expect(new URL(ann.page.url()).searchParams.get('strategy')).toBe(strategy);
    if (strategy === 'long-poll') {
      // For the picture: let the next poll be visibly held before taking it.
      await ann.page.waitForFunction(() =>
        [...document.querySelectorAll('table.requests tr[data-state="open"]')].some((row) => Number(row.getAttribute('data-took-ms')) >= 1000),
      );
      await ann.page.screenshot({ path: `${SCREENSHOTS}chat.png` });
    }
    expect([...ann.errors, ...bob.errors]).toEqual([]);
    await ann.page.context().close();
    await bob.page.context().close();
  });

  it('loses and repeats nothing while switching between short-poll and long-poll mid-conversation', async () => {
    const ann = await newPerson(browser, 'ann');
    await openChat(ann, server.url, 'long-poll');
    const switches = ['short-poll', 'long-poll', 'short-poll', 'long-poll'];
    const texts = Array.from({ length: switches.length * BURST }, (_, index) => `switch test ${index + 1}`);

    for (const [turn, strategy] of switches.entries()) {
      // Someone else talks while ann switches: the burst's messages arrive before, during and after the switch.
      const burst = texts.slice(turn * BURST, (turn + 1) * BURST);
      await Promise.all([postInTurn(server, 'long-poll', 'cy', burst), ann.page.check(`.switcher input[value="${strategy}"]`)]);
      // The next switch comes once this burst has been seen, whichever transport carried it.
      await waitForMessage(ann.page, burst.at(-1)!);
    }

    const shown = (await shownTexts(ann.page)).filter((text) => text.startsWith('switch test'));
    expect(shown).toEqual(texts);
    // The next switch picks up right after the last message shown, rather than starting over.
    const lastId = await ann.page.$$eval('.chat-log .message', (lines) => lines.at(-1)?.getAttribute('data-id'));
    await ann.page.check('.switcher input[value="short-poll"]');
    // Nothing is posted any more, so whatever short-poll asks, it asks from the same place.
    await ann.page.waitForSelector('table.requests tbody tr:first-child[data-url*="short-poll/messages"]');
    const [firstAsk] = await wireRows(ann.page);
    expect(firstAsk.url).toBe(`/api/short-poll/messages?since=${lastId}`);
    await ann.page.context().close();
  });

  it('shows a message full of markup as text, and runs none of it', async () => {
    const ann = await newPerson(browser, 'ann');
    const bob = await newPerson(browser, 'bob');
    await openChat(ann, server.url, 'long-poll');
    await openChat(bob, server.url, 'short-poll');
    const markup = '<img src=x onerror=alert(1)> <b>bold?</b> <script>alert(2)</script>';

    await say(ann.page, markup);
    await waitForMessage(bob.page, markup);
    await waitForMessage(ann.page, markup);

    for (const person of [ann, bob]) {
      expect(await person.page.$$eval('.chat-log img, .chat-log b, .chat-log script', (nodes) => nodes.length)).toBe(0);
      expect(person.dialogs).toEqual([]);
    }
    await ann.page.context().close();
    await bob.page.context().close();
  });

  it('does not send a message the server would refuse, says why in the server\'s words, and keeps the text', async () => {
    const ann = await newPerson(browser, 'ann');
    await openChat(ann, server.url, 'long-poll');
    await say(ann.page, 'ring the bell\u0007');
    await ann.page.waitForSelector('.chat-log .notice:text("Not sent")');
    expect(await ann.page.$$eval('.chat-log .notice', (notices) => notices.map((notice) => notice.textContent))).toEqual([
      'Not sent: "text" contains a control character',
    ]);
    expect(await ann.page.inputValue('#message-chat')).toBe('ring the bell\u0007');
    expect((await wireRows(ann.page)).filter((row) => row.purpose === 'send')).toEqual([]);
    await ann.page.context().close();
  });

  it('opens on the server\'s default strategy when the URL names one it does not know', async () => {
    const ann = await newPerson(browser, 'ann');
    await ann.page.goto(`${server.url}/?strategy=carrier-pigeon`);
    await ann.page.waitForSelector('.switcher input:checked');
    expect(await ann.page.$eval('.switcher input:checked', (input) => (input as HTMLInputElement).value)).toBe('long-poll');
    await ann.page.context().close();
  });
});
