// What nginx does to the connection and the stream behind it, shown with a
// bare node:http server in place of pollbench, so a test chooses exactly what
// the server sends: an event stream with or without `X-Accel-Buffering: no`.

import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HttpVersion } from '../../proxy/nginx-config.ts';
import type { RunningProxy } from '../../proxy/start-proxy.ts';
import { EventStreamReader } from '../push/event-stream.ts';
import { eventually } from '../support/server.ts';
import { skipNginxSuites, startTestProxy } from './nginx.ts';

const EVENT = 'data: hello\n\n';
/** A comment line: ignored by EventSource, but bytes that fill nginx's buffer. */
const PADDING = `: ${'x'.repeat(252)}\n\n`;
/** Stop padding here: far past any buffer nginx keeps for one response. */
const PADDING_LIMIT = 64 * 1024;

/** A server that counts the connections made to it, answers "ok", and opens event streams. */
class BareServer {
  connections = 0;
  private readonly streams: ServerResponse[] = [];
  private readonly server: Server;

  constructor() {
    this.server = createServer((request, response) => {
      if (request.url?.startsWith('/events')) return this.openStream(request.url, response);
      response.end('ok');
    });
    this.server.on('connection', () => (this.connections += 1));
  }

  async listen(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The stream opened most recently, once it is open. */
  async stream(): Promise<ServerResponse> {
    await eventually(() => this.streams.length > 0, 'nginx opens the stream at the server');
    return this.streams[this.streams.length - 1];
  }

  async close(): Promise<void> {
    this.streams.forEach((stream) => stream.destroy());
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** /events?accel=no says X-Accel-Buffering: no, as pollbench's SSE strategy does; /events says nothing. */
  private openStream(url: string, response: ServerResponse): void {
    const headers: Record<string, string> = { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' };
    if (url.includes('accel=no')) headers['X-Accel-Buffering'] = 'no';
    response.writeHead(200, headers);
    response.flushHeaders();
    this.streams.push(response);
  }
}

describe.skipIf(skipNginxSuites)('nginx between a client and a bare server', () => {
  let bare: BareServer;
  let target: string;
  let proxy: RunningProxy | undefined;
  let reader: EventStreamReader | undefined;
  beforeEach(async () => {
    bare = new BareServer();
    target = await bare.listen();
  });
  afterEach(async () => {
    await reader?.close();
    await proxy?.stop();
    await bare.close();
    reader = undefined;
    proxy = undefined;
  });

  it.each<[HttpVersion, string, number]>([
    ['1.1', 'one kept-alive connection', 1],
    ['1.0', 'a new connection for each', 5],
  ])('over HTTP/%s, reaches the server for 5 requests in a row through %s', async (httpVersion, _how, connections) => {
    proxy = await startTestProxy(target, { httpVersion });
    for (let request = 0; request < 5; request += 1) expect(await (await fetch(proxy.url)).text()).toBe('ok');
    expect(bare.connections).toBe(connections);
  });

  it('over HTTP/1.0 with buffering on, holds an event back until kilobytes more follow it, when the stream does not say X-Accel-Buffering: no', async () => {
    proxy = await startTestProxy(target, { httpVersion: '1.0', buffering: true });
    reader = new EventStreamReader(`${proxy.url}/events`);
    const stream = await bare.stream();

    stream.write(EVENT);
    let bytesBehind = 0;
    for (;;) {
      // One request through the same nginx worker after each write, so it has had its turn to pass the event on.
      await roundTrip(proxy);
      if (reader.events.length > 0) break;
      if (bytesBehind >= PADDING_LIMIT) throw new Error(`the event never came out, even with ${bytesBehind} bytes behind it`);
      stream.write(PADDING);
      bytesBehind += PADDING.length;
    }
    expect(reader.events.map((event) => event.data)).toEqual(['hello']);
    // nginx passes a 4 KiB buffer on when it is full; an event passed on by itself would need none.
    expect(bytesBehind).toBeGreaterThanOrEqual(2048);
  });

  it.each<[string, HttpVersion, boolean, string]>([
    ['over HTTP/1.0 with buffering on, when the stream says X-Accel-Buffering: no', '1.0', true, '/events?accel=no'],
    ['over HTTP/1.0 with buffering off', '1.0', false, '/events'],
    ['over HTTP/1.1 with buffering on: the stream comes in chunks, each passed on', '1.1', true, '/events'],
  ])('passes an event on by itself %s', async (_how, httpVersion, buffering, path) => {
    proxy = await startTestProxy(target, { httpVersion, buffering });
    reader = new EventStreamReader(`${proxy.url}${path}`);
    const stream = await bare.stream();

    stream.write(EVENT);
    await eventually(() => reader!.events.length === 1, 'the event comes out of nginx with nothing written behind it');
    expect(reader.events[0].data).toBe('hello');
  });
});

/** One request through the proxy to the server and back. */
async function roundTrip(proxy: RunningProxy): Promise<void> {
  expect(await (await fetch(proxy.url)).text()).toBe('ok');
}
