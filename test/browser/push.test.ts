// The two push transports in a real browser: switching into and out of them
// mid-conversation loses nothing, the wire view shows one long-lived stream
// or socket with its events or frames, and a dropped connection is recovered
// with exactly the messages it missed.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { post, startTestServer, type TestServer } from '../support/server.ts';
import { SCREENSHOTS, newPerson, openChat, postInTurn, say, shownTexts, startBrowser, waitForMessage, wireRows } from './pages.ts';

/** Messages posted, one after another, around each switch of strategy. */
const BURST = 10;

let browser: Browser;
let server: TestServer;
/** The browser's open connections to the server (not the test's own): what a network failure would cut. */
const browserConnections = new Set<Duplex>();

beforeAll(async () => {
  browser = await startBrowser();
  server = await startTestServer({ settings: { pollInterval: 200 } });
  const track = (request: IncomingMessage, socket: Duplex) => {
    if (!request.headers['user-agent']?.includes('Chrome') || browserConnections.has(socket)) return;
    browserConnections.add(socket);
    socket.once('close', () => browserConnections.delete(socket));
  };
  server.server.on('request', (request: IncomingMessage) => track(request, request.socket));
  server.server.on('upgrade', track);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The wire table's rows for the event stream or the socket (not the plain GETs beside them), newest first. */
async function streamRows(page: Page, strategy: string) {
  const path = strategy === 'sse' ? '/api/sse/events' : '/api/websocket';
  return (await wireRows(page)).filter((row) => row.url === path || row.url.startsWith(`${path}?`));
}

/** Ticks (events or frames) drawn on the open bar of the timeline. */
function ticksOnOpenBar(page: Page, direction: 'in' | 'out'): Promise<number> {
  return page.$$eval(`.timeline .bar.open .tick.${direction}`, (ticks) => ticks.length);
}

describe('the push transports in the chat page', () => {
  it('loses and repeats nothing while switching short-poll -> sse -> websocket -> long-poll mid-conversation', async () => {
    const ann = await newPerson(browser, 'ann');
    await openChat(ann, server.url, 'short-poll');
    const switches = ['sse', 'websocket', 'long-poll'];
    const texts = Array.from({ length: switches.length * BURST }, (_, index) => `push switch ${index + 1}`);
    // A message seen before the first switch gives the next transport an id to resume after; with
    // none yet, reading the history without a cursor would be right, and not what this test checks.
    await postInTurn(server, 'long-poll', 'cy', ['before the switches']);
    await waitForMessage(ann.page, 'before the switches');

    for (const [turn, strategy] of switches.entries()) {
      // Someone else talks while ann switches: the burst's messages arrive before, during and after the switch.
      const burst = texts.slice(turn * BURST, (turn + 1) * BURST);
      await Promise.all([postInTurn(server, 'long-poll', 'cy', burst), ann.page.check(`.switcher input[value="${strategy}"]`)]);
      // The next switch comes once this burst has been seen, whichever transport carried it.
      await waitForMessage(ann.page, burst.at(-1)!);
    }

    expect((await shownTexts(ann.page)).filter((text) => text.startsWith('push switch'))).toEqual(texts);
    // Each push transport resumed after the last id rather than asking for the history again.
    const rows = await wireRows(ann.page);
    expect(rows.filter((row) => /^\/api\/(sse\/events|websocket)/.test(row.url)).every((row) => row.url.includes('?since='))).toBe(true);
    expect(rows.some((row) => row.url === '/api/sse/messages' || row.url === '/api/websocket/messages')).toBe(false);
    expect(ann.errors).toEqual([]);
    await ann.page.context().close();
  });

  it('shows sse as one stream that stays open, with a tick per event and posts as separate requests', async () => {
    const ann = await newPerson(browser, 'ann');
    await openChat(ann, server.url, 'sse');
    for (const text of ['event one', 'event two', 'event three']) await post(server, 'short-poll', { author: 'bob', text });
    await waitForMessage(ann.page, 'event three');
    await say(ann.page, 'posted with a POST');
    await waitForMessage(ann.page, 'posted with a POST');

    const streams = await streamRows(ann.page, 'sse');
    expect(streams.map((row) => [row.state, row.messages])).toEqual([['open', 4]]);
    expect(await ticksOnOpenBar(ann.page, 'in')).toBe(4);
    expect((await wireRows(ann.page)).filter((row) => row.purpose === 'send').map((row) => row.url)).toEqual(['/api/sse/messages']);
    expect(await ann.page.$$eval('.timeline .bar.open', (bars) => bars.length)).toBe(1);
    await ann.page.context().close();
  });

  it('shows websocket as one socket carrying frames both ways, posting with no request at all', async () => {
    const ann = await newPerson(browser, 'ann');
    await openChat(ann, server.url, 'websocket');
    for (const text of ['frame one', 'frame two', 'frame three']) await post(server, 'short-poll', { author: 'bob', text });
    await waitForMessage(ann.page, 'frame three');
    await say(ann.page, 'posted by frame');
    await waitForMessage(ann.page, 'posted by frame');

    const sockets = await streamRows(ann.page, 'websocket');
    expect(sockets.map((row) => [row.state, row.messages])).toEqual([['open', 4]]);
    expect((await wireRows(ann.page)).filter((row) => row.purpose === 'send')).toEqual([]);
    // In: three messages, then the "posted" reply and the echoed message (either order). Out: the post frame.
    await ann.page.waitForFunction(() => document.querySelectorAll('.timeline .bar.open .tick.in').length === 5);
    expect(await ticksOnOpenBar(ann.page, 'out')).toBe(1);
    await ann.page.screenshot({ path: `${SCREENSHOTS}chat-websocket.png` });
    await ann.page.context().close();
  });

  it.each(['sse', 'websocket'])('recovers from a dropped connection over %s, with exactly the messages it missed', async (strategy) => {
    const ann = await newPerson(browser, 'ann');
    await openChat(ann, server.url, strategy);
    await post(server, 'short-poll', { author: 'bob', text: `before the drop (${strategy})` });
    await waitForMessage(ann.page, `before the drop (${strategy})`);

    // The network fails: every connection the server has is cut, then the room moves on without ann.
    for (const socket of browserConnections) socket.destroy();
    const missed = [1, 2, 3].map((n) => `missed ${n} (${strategy})`);
    for (const text of missed) await post(server, 'short-poll', { author: 'bob', text });
    for (const text of missed) await waitForMessage(ann.page, text);

    const [reopened, dropped] = await streamRows(ann.page, strategy);
    expect(dropped.state).toBe('failed');
    // The new connection resumed where the old one stopped: it carried the three missed messages and nothing else.
    expect([reopened.state, reopened.messages]).toEqual(['open', 3]);
    await say(ann.page, `after the drop (${strategy})`);
    await waitForMessage(ann.page, `after the drop (${strategy})`);
    const shown = await shownTexts(ann.page);
    expect(shown.filter((text) => text.endsWith(`(${strategy})`))).toEqual([`before the drop (${strategy})`, ...missed, `after the drop (${strategy})`]);
    expect(ann.errors).toEqual([]);
    await ann.page.context().close();
  });
});

describe('the push transports and a server that lost its room', () => {
  it.each(['sse', 'websocket'])('start over from the history over %s when a restarted server refuses their cursor', async (strategy) => {
    const before = await startTestServer();
    const ann = await newPerson(browser, 'ann');
    await openChat(ann, before.url, strategy);
    for (const text of ['old one', 'old two']) await post(before, 'short-poll', { author: 'bob', text });
    await waitForMessage(ann.page, 'old two');

    // Same address, empty room: ann's cursor (message 2) is ahead of it, so the server answers 400,
    // which EventSource and WebSocket both hide from the page.
    await before.stop();
    const after = await startTestServer({ port: before.port });
    try {
      // The refusal is hidden, so the transport asks with a plain GET from its cursor, which shows the 400.
      await ann.page.waitForFunction(
        (url) => [...document.querySelectorAll('table.requests tr[data-state="failed"]')].some((row) => row.getAttribute('data-url') === url),
        `/api/${strategy}/messages?since=2`,
      );
      // ...and, told its cursor is unknown, reads the new room's history with no cursor at all.
      await ann.page.waitForFunction((url) => {
        const rows = [...document.querySelectorAll('table.requests tbody tr')]; // newest first
        const refused = rows.findIndex((row) => row.getAttribute('data-url') === `${url}?since=2`);
        const history = rows.findIndex((row) => row.getAttribute('data-url') === url && row.getAttribute('data-state') === 'done');
        return refused > 0 && history >= 0 && history < refused;
      }, `/api/${strategy}/messages`);
      // The new room gives out ids 1, 2... again; the page shows each id once, so only a third message is new to it.
      for (const text of ['new one', 'new two', 'new three']) await post(after, 'short-poll', { author: 'bob', text });
      await waitForMessage(ann.page, 'new three');
      const [current] = await streamRows(ann.page, strategy);
      expect(current.state).toBe('open');
      await say(ann.page, `back over ${strategy}`);
      await waitForMessage(ann.page, `back over ${strategy}`);
      expect(ann.errors).toEqual([]);
    } finally {
      await ann.page.context().close();
      await after.stop();
    }
  });
});
