// Bad input gets a clear error, with the status that says why, and changes nothing.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, messagesUrl, post, receive, startTestServer, stats, type TestServer } from '../support/server.ts';
import { rawExchange, statusOf } from './support/raw-http.ts';

describe('posted messages that break the rules', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ maxBodyBytes: 16 * 1024 });
  });
  afterAll(() => server.stop());

  async function roomSize() {
    return (await stats(server)).room.messages;
  }

  it.each([
    ['a bell character in the author', { author: 'a\u0007b', text: 'hi' }, /"author" contains a control character/],
    ['a newline in the author', { author: 'a\nb', text: 'hi' }, /"author" contains a control character/],
    ['a NUL in the text', { author: 'ann', text: 'a\u0000b' }, /"text" contains a control character/],
    ['an escape sequence in the text', { author: 'ann', text: '\u001b[31mred' }, /"text" contains a control character/],
    ['a DEL in the text', { author: 'ann', text: 'a\u007f' }, /"text" contains a control character/],
    ['an author of 65 characters', { author: 'a'.repeat(65), text: 'hi' }, /"author" is 65 characters; the limit is 64/],
    ['no text', { author: 'ann' }, /"text" is missing/],
    ['a null author', { author: null, text: 'hi' }, /"author" must be a string/],
    ['an author given as a list', { author: ['ann'], text: 'hi' }, /"author" must be a string/],
    ['a text given as an object', { author: 'ann', text: { html: '<b>' } }, /"text" must be a string/],
    ['a bare string', 'hello', /JSON object/],
    ['null', null, /JSON object/],
  ])('refuses %s with 400 naming the field, and stores nothing', async (_what, draft, error) => {
    const before = await roomSize();
    const { status, body } = await post(server, 'long-poll', draft);
    expect(status).toBe(400);
    expect((body as unknown as { error: string }).error).toMatch(error);
    expect(await roomSize()).toBe(before);
  });

  it('accepts tabs and newlines in a text, and an author of exactly 64 characters', async () => {
    const { status } = await post(server, 'long-poll', { author: 'a'.repeat(64), text: 'line one\n\tline two' });
    expect(status).toBe(201);
  });

  it.each([
    ['no Content-Type', undefined],
    ['text/plain', 'text/plain'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['a look-alike type', 'application/jsonp'],
  ])('refuses a body sent as %s with 415', async (_what, contentType) => {
    const before = await roomSize();
    const headers: Record<string, string> = contentType ? { 'Content-Type': contentType } : {};
    const answer = await fetch(messagesUrl(server, 'short-poll'), { method: 'POST', headers, body: new Blob(['{"author":"ann","text":"hi"}']) });
    expect(answer.status).toBe(415);
    expect((await answer.json()).error).toMatch(/Content-Type: application\/json/);
    expect(await roomSize()).toBe(before);
  });

  it('answers 413 to a huge declared body and closes the socket without reading the rest', async () => {
    const before = await roomSize();
    // Promise 50 MB, send a few bytes, and wait: the server must answer and hang up, not wait for the rest.
    const head = `POST /api/long-poll/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n{"author":`;
    const { how, received } = await rawExchange(server.port, head, { endAfterWrite: false, untilClosed: true });
    expect(how).toBe('answered');
    expect(statusOf(received)).toBe(413);
    expect(received).toMatch(/larger than the limit of 16384 bytes/);
    expect(await roomSize()).toBe(before);
  });

  it('answers 413 to a chunked body that grows past the limit, and hangs up without waiting for its end', async () => {
    const chunk = 'x'.repeat(4096);
    // 20 KiB in chunks, and never the last (empty) chunk: only a server that stops reading can answer.
    const body = Array.from({ length: 5 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join('');
    const head = 'POST /api/short-poll/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n';
    const { how, received } = await rawExchange(server.port, head + body, { endAfterWrite: false, untilClosed: true });
    expect(how).toBe('answered');
    expect(statusOf(received)).toBe(413);
  });
});

describe('cursors', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ historyLimit: 5, settings: { holdTimeout: 60_000 } });
    for (let i = 1; i <= 8; i++) await post(server, 'short-poll', { author: 'ann', text: `message ${i}` });
  });
  afterAll(() => server.stop());

  it.each(['-1', '1.5', '1e3', ' 1', '0x10', '+3', '', '9'.repeat(16), '１'])('refuses the malformed cursor %j with 400', async (cursor) => {
    for (const strategy of ['short-poll', 'long-poll']) {
      const { status, body } = await getJson<{ error: string }>(messagesUrl(server, strategy, cursor));
      expect(status).toBe(400);
      expect(body.error).toMatch(/cursor/);
    }
  });

  it('refuses a cursor ahead of the room with 400', async () => {
    for (const strategy of ['short-poll', 'long-poll']) {
      const { status, body } = await getJson<{ error: string }>(messagesUrl(server, strategy, '9'));
      expect(status).toBe(400);
      expect(body.error).toMatch(/ahead of the room/);
    }
  });

  it('answers a cursor older than the kept history with what is left and "gap": true', async () => {
    for (const strategy of ['short-poll', 'long-poll']) {
      const { status, body } = await receive(server, strategy, '1');
      expect(status).toBe(200);
      expect(body.gap).toBe(true);
      expect(body.messages.map((message) => message.text)).toEqual(['message 4', 'message 5', 'message 6', 'message 7', 'message 8']);
    }
  });

  it('reports no gap for a cursor just before the oldest kept message', async () => {
    const { body } = await receive(server, 'short-poll', '3');
    expect(body.gap).toBeUndefined();
    expect(body.messages).toHaveLength(5);
  });
});

describe('static files', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it.each([
    '/%252e%252e/package.json',
    '//etc/passwd',
    '/web/../../package.json',
    '/.%2e/package.json',
    '/results/../package.json',
    '/results/%2e%2e/package.json',
    '/%c0%ae%c0%ae/package.json',
    '/index.html%00.png',
    '/..;/package.json',
    '/%2fetc%2fpasswd',
    '/%5c..%5cpackage.json',
  ])('refuses %s with 404 and serves nothing outside web/', async (path) => {
    const { received } = await rawExchange(server.port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, { endAfterWrite: false, untilClosed: true });
    expect(statusOf(received)).toBe(404);
    expect(received).not.toMatch(/"name": "pollbench"|root:/);
  });

  it('refuses an absolute-form URL reaching outside web/ with 404', async () => {
    const { received } = await rawExchange(server.port, 'GET http://127.0.0.1/../package.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', {
      endAfterWrite: false,
      untilClosed: true,
    });
    expect([400, 404]).toContain(statusOf(received));
    expect(received).not.toMatch(/"name": "pollbench"/);
  });
});
