// A long poll behind a real nginx: the hold against proxy_read_timeout.
// Real nginx, real pollbench server, real HTTP.

import { afterEach, describe, expect, it } from 'vitest';
import type { RunningProxy } from '../../proxy/start-proxy.ts';
import { heldBecomes, messagesUrl, post, receive, startTestServer, type TestServer } from '../support/server.ts';
import { skipNginxSuites, startTestProxy } from './nginx.ts';

/** Far longer than any of these tests lasts: such a hold never ends by itself while a test watches. */
const LONG_HOLD_MS = 60_000;

describe.skipIf(skipNginxSuites)('a long poll behind nginx', () => {
  let server: TestServer | undefined;
  let proxy: RunningProxy | undefined;
  afterEach(async () => {
    await proxy?.stop();
    await server?.stop();
  });

  it("is cut off with nginx's own 504 when the hold outlasts proxy_read_timeout, and the server lets it go", async () => {
    server = await startTestServer({ settings: { holdTimeout: LONG_HOLD_MS } });
    proxy = await startTestProxy(server.url, { readTimeoutMs: 1000 });
    const { body: start } = await receive(proxy, 'long-poll');

    const answer = await fetch(messagesUrl(proxy, 'long-poll', start.cursor));
    expect(answer.status).toBe(504);
    expect(answer.headers.get('server')).toMatch(/^nginx/);
    expect(await answer.text()).toMatch(/504 Gateway Time-out/);
    // nginx closed its connection to the server, so the server stops holding a request nobody will read.
    await heldBecomes(server, 'long-poll', 0);
  });

  it('comes back empty, with the same cursor, when the hold ends before proxy_read_timeout', async () => {
    server = await startTestServer({ settings: { holdTimeout: 1000 } });
    proxy = await startTestProxy(server.url, { readTimeoutMs: 5000 });
    const { body: start } = await receive(proxy, 'long-poll');

    const { status, body } = await receive(proxy, 'long-poll', start.cursor);
    expect(status).toBe(200);
    expect(body).toEqual({ messages: [], cursor: start.cursor });
  });

  it('is woken through nginx by a message posted through nginx', async () => {
    server = await startTestServer({ settings: { holdTimeout: LONG_HOLD_MS } });
    proxy = await startTestProxy(server.url, { readTimeoutMs: LONG_HOLD_MS });
    const { body: start } = await receive(proxy, 'long-poll');

    const waiting = receive(proxy, 'long-poll', start.cursor);
    await heldBecomes(server, 'long-poll', 1);
    const sent = await post(proxy, 'long-poll', { author: 'ann', text: 'through the proxy' });
    expect(sent.status).toBe(201);
    const { status, body } = await waiting;
    expect(status).toBe(200);
    expect(body).toEqual({ messages: [{ id: sent.body.id, author: 'ann', text: 'through the proxy', ts: sent.body.ts }], cursor: sent.body.id });
  });
});
