import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, getJson, heldBecomes, post, receive, startTestServer, stats, type TestServer } from '../support/server.ts';
import { EventStreamReader, eventsUrl } from './event-stream.ts';

describe('the sse strategy', () => {
  let server: TestServer;
  const readers: EventStreamReader[] = [];
  afterEach(async () => {
    await Promise.all(readers.splice(0).map((reader) => reader.close()));
    await server.stop();
  });

  function open(url: string, headers: Record<string, string> = {}): EventStreamReader {
    const reader = new EventStreamReader(url, headers);
    readers.push(reader);
    return reader;
  }

  it('answers at once with an uncompressed, unbuffered event stream that sets the reconnect delay', async () => {
    server = await startTestServer();
    const reader = open(eventsUrl(server));
    await reader.opened; // before any message exists: the headers do not wait for one
    expect(reader.status).toBe(200);
    expect(reader.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(reader.headers['x-accel-buffering']).toBe('no');
    expect(reader.headers['content-encoding'] ?? 'identity').toBe('identity');
    expect(reader.headers['cache-control']).toBe('no-store');
    await eventually(() => reader.retry !== undefined, 'the retry field arrives');
    // 2 s, give or take 10% so that clients dropped together do not all come back together.
    expect(reader.retry).toBeGreaterThanOrEqual(1800);
    expect(reader.retry).toBeLessThanOrEqual(2200);
    await heldBecomes(server, 'sse', 1);
  });

  it('gives each message its id, so the browser knows where to resume', async () => {
    server = await startTestServer();
    const reader = open(eventsUrl(server));
    await reader.opened;
    const sent = await post(server, 'sse', { author: 'ann', text: 'line one\nline two' });
    await eventually(() => reader.events.length === 1, 'the event arrives');
    expect(reader.events[0].lastEventId).toBe(sent.body.id);
    expect(reader.messages()).toEqual([{ id: sent.body.id, author: 'ann', text: 'line one\nline two', ts: sent.body.ts }]);
  });

  it('gives a client that has seen no message yet a place to resume from', async () => {
    server = await startTestServer();
    const { body: empty } = await receive(server, 'short-poll');
    const reader = open(eventsUrl(server));
    await eventually(() => reader.lastEventId !== '', 'an id arrives');
    expect(reader.lastEventId).toBe(empty.cursor);
    expect(reader.events).toEqual([]); // an id alone is no event
  });

  it('resumes from Last-Event-ID rather than ?since= when a reconnecting browser sends both', async () => {
    server = await startTestServer();
    const { body: start } = await receive(server, 'short-poll');
    const seen = await post(server, 'sse', { author: 'ann', text: 'seen' });
    await post(server, 'sse', { author: 'ann', text: 'missed' });
    const reader = open(eventsUrl(server, start.cursor), { 'Last-Event-ID': seen.body.id });
    await eventually(() => reader.events.length > 0, 'the missed message arrives');
    expect(reader.messages().map((message) => message.text)).toEqual(['missed']);
  });

  it.each([
    ['a malformed Last-Event-ID', { 'Last-Event-ID': 'yesterday' }, undefined],
    ['a malformed ?since=', {}, 'not-a-cursor'],
  ])('refuses %s with 400 and a JSON error, before opening the stream', async (_what, headers, since) => {
    server = await startTestServer();
    const { status, body } = await getJson<{ error: string }>(eventsUrl(server, since), { headers });
    expect(status).toBe(400);
    expect(body.error).toMatch(/cursor/);
    expect((await stats(server)).strategies.sse.held).toBe(0);
  });

  it('writes a heartbeat comment to every stream every --sse-heartbeat ms', async () => {
    server = await startTestServer({ settings: { sseHeartbeat: 20 } });
    const streams = [open(eventsUrl(server)), open(eventsUrl(server))];
    for (const reader of streams) await eventually(() => reader.comments.length >= 3, 'three heartbeats arrive');
    expect(streams[0].comments[0]).toBe('heartbeat');
    expect(streams[0].events).toEqual([]); // comments are not events
  });

  it('announces its heartbeat and reconnect delay in /api/config', async () => {
    server = await startTestServer({ settings: { sseHeartbeat: 5000 } });
    const { body } = await getJson<{ strategies: { name: string }[] }>(`${server.url}/api/config`);
    expect(body.strategies.find((strategy) => strategy.name === 'sse')).toMatchObject({ heartbeatMs: 5000, retryMs: 2000 });
  });

  it('drops a client that stops reading, rather than queueing its messages without end', async () => {
    server = await startTestServer();
    const stalled = await openWithoutReading(server);
    await heldBecomes(server, 'sse', 1);
    const healthy = open(eventsUrl(server));
    await heldBecomes(server, 'sse', 2);
    // 2,000-character messages until the kernel's buffers and then our limit are full.
    const text = 'x'.repeat(2000);
    for (let i = 0; i < 6000 && (await stats(server)).strategies.sse.held === 2; i += 200) {
      await Promise.all(Array.from({ length: 200 }, () => server.room.append({ author: 'flood', text })));
    }
    await heldBecomes(server, 'sse', 1);
    expect(stalled.destroyed || stalled.readableEnded || (await closedSoon(stalled))).toBe(true);
    // The client that reads keeps its stream and gets everything.
    const total = server.room.messageCount();
    await eventually(() => healthy.events.length === total, 'the reading client has every message');
    stalled.destroy();
  });
});

/** An HTTP client that asks for the stream and then never reads a byte of it. */
function openWithoutReading(server: TestServer): Promise<Socket> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(`GET /api/sse/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`);
      resolve(socket);
    });
    socket.pause();
    socket.on('error', () => {}); // the server cutting it off is what the test expects
    socket.once('error', reject);
  });
}

function closedSoon(socket: Socket): Promise<boolean> {
  socket.resume(); // read what is left, so the end of the connection can be seen
  return new Promise((resolve) => socket.once('close', () => resolve(true)));
}
