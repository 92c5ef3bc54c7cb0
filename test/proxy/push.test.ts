// The push strategies behind a real nginx: an SSE stream through proxy
// buffering, and a WebSocket through the upgrade. Real nginx, real pollbench
// server, real HTTP.

import { afterEach, describe, expect, it } from 'vitest';
import type { HttpVersion } from '../../proxy/nginx-config.ts';
import type { RunningProxy } from '../../proxy/start-proxy.ts';
import { EventStreamReader, eventsUrl } from '../push/event-stream.ts';
import { SocketClient, socketUrl } from '../push/socket-client.ts';
import { eventually, heldBecomes, post, receive, startTestServer, type TestServer } from '../support/server.ts';
import { skipNginxSuites, startTestProxy } from './nginx.ts';

/** No heartbeat while a test watches: nothing but the event itself may push it out of nginx's buffers. */
const NO_HEARTBEAT_MS = 600_000;

describe.skipIf(skipNginxSuites)('push strategies behind nginx', () => {
  let server: TestServer | undefined;
  let proxy: RunningProxy | undefined;
  const closers: (() => unknown)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
    await proxy?.stop();
    await server?.stop();
  });

  // Over HTTP/1.0 (nginx's default) a buffered stream stalls unless the server says
  // X-Accel-Buffering: no (raw-upstream.test.ts shows the stall); over 1.1 chunks pass anyway.
  it.each<HttpVersion>(['1.0', '1.1'])(
    'passes an SSE event on by itself with buffering on, over HTTP/%s to the server, since the stream says X-Accel-Buffering: no',
    async (httpVersion) => {
      server = await startTestServer({ settings: { sseHeartbeat: NO_HEARTBEAT_MS } });
      proxy = await startTestProxy(server.url, { buffering: true, httpVersion });
      const reader = new EventStreamReader(eventsUrl(proxy));
      closers.push(() => reader.close());
      // Held back in nginx's buffers, a stream would not even show its status line.
      await eventually(() => reader.status !== 0, "nginx passes the stream's status and headers on");
      expect(reader.status).toBe(200);
      await heldBecomes(server, 'sse', 1);

      const sent = await post(proxy, 'sse', { author: 'ann', text: 'live' });
      await eventually(() => reader.events.length === 1, 'the event comes out of nginx with nothing written behind it');
      expect(reader.messages()).toEqual([{ id: sent.body.id, author: 'ann', text: 'live', ts: sent.body.ts }]);
    },
  );

  it('carries a WebSocket chat: a message posted by frame reaches another socket', async () => {
    server = await startTestServer();
    proxy = await startTestProxy(server.url);
    const { body: start } = await receive(proxy, 'websocket');
    const ann = new SocketClient(socketUrl(proxy, start.cursor));
    const bob = new SocketClient(socketUrl(proxy, start.cursor));
    closers.push(() => ann.drop(), () => bob.drop());
    await Promise.all([ann.opened, bob.opened]);

    ann.send({ type: 'post', author: 'ann', text: 'hello through nginx' });
    await eventually(() => bob.messages().length === 1, 'bob receives the message');
    await eventually(() => ann.framesOfType('posted').length === 1, 'ann gets her post acknowledged');
    const [posted] = ann.framesOfType('posted');
    expect(bob.messages()).toEqual([{ id: posted.id, author: 'ann', text: 'hello through nginx', ts: posted.ts }]);
  });

  it('refuses a WebSocket when told not to pass the upgrade: the server sees a plain GET', async () => {
    server = await startTestServer();
    proxy = await startTestProxy(server.url, { upgrade: false });
    const socket = new SocketClient(socketUrl(proxy));
    closers.push(() => socket.drop());
    await expect(socket.opened).rejects.toThrow(/upgrade refused/);
    expect(socket.refusedWith).toBeGreaterThanOrEqual(400);
    expect(socket.refusedWith).toBeLessThan(500);
  });
});
