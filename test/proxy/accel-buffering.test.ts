// `--accel-buffering ignore` (lesson 6's stalled stream): nginx told to
// ignore "X-Accel-Buffering: no" buffers pollbench's own SSE stream over
// HTTP/1.0, so an event comes out only once kilobytes of later events have
// piled up behind it; honouring the header, it comes out at once.

import { afterEach, describe, expect, it } from 'vitest';
import { nginxConfig } from '../../proxy/nginx-config.ts';
import type { RunningProxy } from '../../proxy/start-proxy.ts';
import { EventStreamReader, eventsUrl } from '../push/event-stream.ts';
import { eventually, heldBecomes, post, startTestServer, type TestServer } from '../support/server.ts';
import { skipNginxSuites, startTestProxy } from './nginx.ts';

/** No heartbeat while a test watches: only events may push the first one out of nginx's buffer. */
const NO_HEARTBEAT_MS = 600_000;
/** Far more than any buffer nginx keeps for one response: past this, the event is never coming. */
const MAX_POSTS = 200;

describe('the config for --accel-buffering', () => {
  it('adds proxy_ignore_headers X-Accel-Buffering only when told to ignore the header', () => {
    const settings = { dir: '/tmp/x', host: '127.0.0.1', port: 3080, upstream: '127.0.0.1:3000', readTimeoutMs: 1000, buffering: true, httpVersion: '1.0', upgrade: true, maxConnections: 64 } as const;
    expect(nginxConfig({ ...settings, ignoreAccelBuffering: true })).toMatch(/^\s*proxy_ignore_headers X-Accel-Buffering;$/m);
    expect(nginxConfig(settings)).not.toMatch(/proxy_ignore_headers/);
  });
});

describe.skipIf(skipNginxSuites)('pollbench SSE behind nginx over HTTP/1.0, buffering on', () => {
  let server: TestServer | undefined;
  let proxy: RunningProxy | undefined;
  let reader: EventStreamReader | undefined;
  afterEach(async () => {
    await reader?.close();
    await proxy?.stop();
    await server?.stop();
  });

  it('holds the first event back until kilobytes of later events follow it, when nginx ignores X-Accel-Buffering', async () => {
    server = await startTestServer({ settings: { sseHeartbeat: NO_HEARTBEAT_MS } });
    proxy = await startTestProxy(server.url, { httpVersion: '1.0', ignoreAccelBuffering: true });
    reader = new EventStreamReader(eventsUrl(proxy));
    await heldBecomes(server, 'sse', 1);

    let posts = 0;
    while (reader.messages().length === 0) {
      if (posts === MAX_POSTS) throw new Error(`no event came out of nginx after ${posts} posts`);
      // Each post goes through the same nginx worker: once it is answered, nginx has had its turn to pass the stream on.
      expect((await post(proxy, 'sse', { author: 'ann', text: `event ${posts + 1}` })).status).toBe(201);
      posts += 1;
    }
    expect(reader.messages()[0].text).toBe('event 1');
    // An event is about a hundred bytes: the first came out only with kilobytes behind it (nginx buffers 4 KiB).
    expect(posts).toBeGreaterThanOrEqual(20);
  });

  it('passes each event on at once when nginx honours the header, as it does by default', async () => {
    server = await startTestServer({ settings: { sseHeartbeat: NO_HEARTBEAT_MS } });
    proxy = await startTestProxy(server.url, { httpVersion: '1.0' });
    reader = new EventStreamReader(eventsUrl(proxy));
    await heldBecomes(server, 'sse', 1);

    await post(proxy, 'sse', { author: 'ann', text: 'event 1' });
    await eventually(() => reader!.messages().length === 1, 'the event comes out of nginx with nothing behind it');
    expect(reader.messages()[0].text).toBe('event 1');
  });
});
