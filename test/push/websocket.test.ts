import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, getJson, heldBecomes, post, startTestServer, stats, type TestServer } from '../support/server.ts';
import { EventStreamReader, eventsUrl } from './event-stream.ts';
import { SocketClient, socketUrl } from './socket-client.ts';

describe('the websocket strategy', () => {
  let server: TestServer;
  const clients: SocketClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.drop()));
    await server.stop();
  });

  function connectClient(url: string, options: ConstructorParameters<typeof SocketClient>[1] = {}): SocketClient {
    const client = new SocketClient(url, options);
    clients.push(client);
    return client;
  }

  it('takes a post frame, answers it like a POST, and delivers it to everyone in the room', async () => {
    server = await startTestServer();
    const poster = connectClient(socketUrl(server));
    const listener = connectClient(socketUrl(server));
    const reader = new EventStreamReader(eventsUrl(server));
    await Promise.all([poster.opened, listener.opened, reader.opened]);
    poster.send({ type: 'post', author: ' ann ', text: 'by frame' });
    await eventually(() => poster.framesOfType('posted').length === 1, 'the post is answered');
    const [{ id, ts }] = poster.framesOfType('posted');
    const expected = { id, author: 'ann', text: 'by frame', ts };
    for (const client of [poster, listener]) await eventually(() => client.messages().length === 1, 'the message comes back');
    expect(poster.messages()).toEqual([expected]);
    expect(listener.messages()).toEqual([expected]);
    await eventually(() => reader.messages().length === 1, 'an SSE client in the same room gets it too');
    await reader.close();
  });

  it.each([
    ['not JSON', '{"type": "post",', /not valid JSON/],
    ['a frame of another type', { type: 'subscribe', channel: 'all' }, /only frame a client may send/],
    ['a post without an author', { type: 'post', text: 'hi' }, /"author" is missing/],
    ['a post with an empty text', { type: 'post', author: 'ann', text: '  ' }, /"text" must not be empty/],
    ['a text over 2000 characters', { type: 'post', author: 'ann', text: 'x'.repeat(2001) }, /"text" is 2001 characters/],
  ])('answers %s with an error frame, stores nothing and keeps the socket open', async (_what, frame, error) => {
    server = await startTestServer();
    const client = connectClient(socketUrl(server));
    await client.opened;
    client.send(frame);
    await eventually(() => client.framesOfType('error').length === 1, 'an error frame arrives');
    expect(client.framesOfType('error')[0].error).toMatch(error);
    expect(server.room.messageCount()).toBe(0);
    client.send({ type: 'post', author: 'ann', text: 'and now a good one' });
    await eventually(() => client.messages().length === 1, 'a good post still works on the same socket');
  });

  it('answers a binary frame with an error frame', async () => {
    server = await startTestServer();
    const client = connectClient(socketUrl(server));
    await client.opened;
    client.socket.send(Buffer.from('{"type":"post","author":"ann","text":"hi"}'), { binary: true });
    await eventually(() => client.framesOfType('error').length === 1, 'an error frame arrives');
    expect(client.framesOfType('error')[0].error).toMatch(/binary/);
  });

  it('closes a socket that sends a frame over maxPayload with 1009, and goes on serving others', async () => {
    server = await startTestServer();
    const config = (await getJson<{ strategies: { name: string; maxFrameBytes?: number }[] }>(`${server.url}/api/config`)).body;
    const { maxFrameBytes } = config.strategies.find((strategy) => strategy.name === 'websocket')!;
    const bystander = connectClient(socketUrl(server));
    const client = connectClient(socketUrl(server));
    await Promise.all([client.opened, bystander.opened]);
    client.send({ type: 'post', author: 'ann', text: 'x'.repeat(maxFrameBytes!) });
    expect(await client.closed).toBe(1009);
    await heldBecomes(server, 'websocket', 1);
    await post(server, 'websocket', { author: 'bob', text: 'still up' });
    await eventually(() => bystander.messages().length === 1, 'the other socket still gets messages');
  });

  it.each([
    ['a malformed cursor', '/api/websocket?since=soon', 400],
    ['a cursor ahead of the room', '/api/websocket?since=99', 400],
    ['a path under the strategy', '/api/websocket/chat', 404],
    ['a strategy that takes no upgrades', '/api/long-poll', 404],
  ])('refuses an upgrade with %s (%s) in plain HTTP', async (_what, path, status) => {
    server = await startTestServer();
    const client = connectClient(`${server.url.replace(/^http/, 'ws')}${path}`);
    await expect(client.opened).rejects.toThrow(String(status));
    expect(client.refusedWith).toBe(status);
    expect((await stats(server)).strategies.websocket.held).toBe(0);
  });

  it('finds a peer that stopped answering pings, and releases it', async () => {
    // Long enough for the live peer's pong to come back in time even on a busy machine.
    server = await startTestServer({ settings: { wsPingInterval: 250 } });
    const silent = await handshakeThenGoSilent(server);
    const alive = connectClient(socketUrl(server));
    await alive.opened;
    await heldBecomes(server, 'websocket', 2);
    await heldBecomes(server, 'websocket', 1);
    // The server cut the connection: reading again, the silent peer finds it closed.
    await new Promise((resolve) => (silent.destroyed ? resolve(true) : silent.once('close', resolve).resume()));
    // The peer that answers pings is still there, through many intervals.
    expect(alive.socket.readyState).toBe(alive.socket.OPEN);
    await post(server, 'websocket', { author: 'ann', text: 'are you there?' });
    await eventually(() => alive.messages().length === 1, 'the live peer gets the message');
  });

  it('finds a ws client whose pong handling is off', async () => {
    server = await startTestServer({ settings: { wsPingInterval: 30 } });
    const deaf = connectClient(socketUrl(server), { autoPong: false });
    await deaf.opened;
    await heldBecomes(server, 'websocket', 1);
    await heldBecomes(server, 'websocket', 0);
    expect(await deaf.closed).toBe(1006); // cut, not closed politely: the peer is presumed gone
  });

  it('cuts a client that stops reading, rather than queueing its frames without end', async () => {
    server = await startTestServer();
    const stalled = await handshakeThenGoSilent(server);
    const reading = connectClient(socketUrl(server));
    await reading.opened;
    await heldBecomes(server, 'websocket', 2);
    const text = 'x'.repeat(2000);
    for (let i = 0; i < 6000 && (await stats(server)).strategies.websocket.held === 2; i += 200) {
      await Promise.all(Array.from({ length: 200 }, () => server.room.append({ author: 'flood', text })));
    }
    await heldBecomes(server, 'websocket', 1);
    const total = server.room.messageCount();
    await eventually(() => reading.messages().length === total, 'the reading client has every message');
    stalled.destroy();
  });

  it('announces its ping interval and frame limit in /api/config', async () => {
    server = await startTestServer({ settings: { wsPingInterval: 5000 } });
    const { body } = await getJson<{ strategies: { name: string }[] }>(`${server.url}/api/config`);
    expect(body.strategies.find((strategy) => strategy.name === 'websocket')).toMatchObject({ pingIntervalMs: 5000, maxFrameBytes: 16384 });
  });
});

/**
 * A WebSocket client that completes the handshake and then neither reads nor
 * writes another byte: the kernel still acknowledges packets, but no pong
 * ever comes back and nothing is read, like a process that has hung.
 */
function handshakeThenGoSilent(server: TestServer): Promise<Socket> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(
        'GET /api/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    socket.on('error', () => {}); // the server cutting it off is what the tests expect
    socket.once('error', reject);
    socket.once('data', (chunk: Buffer) => {
      if (!chunk.toString('latin1').startsWith('HTTP/1.1 101')) return reject(new Error(`handshake refused: ${chunk}`));
      socket.pause(); // from here on, read nothing
      resolve(socket);
    });
  });
}
