// The bench's own long-poll clients (bench/clients/long-poll.ts), against
// small node:http servers that answer the way different servers may: with a
// Content-Length or in chunks, keeping the connection or closing it, refusing
// with 503, or dropping the connection mid-hold. Each time, a client must
// send back the cursor it was given and receive every message once.

import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { longPollClients } from '../bench/clients/long-poll.ts';
import type { RunningClients } from '../bench/clients/client-protocol.ts';
import type { Message } from '../wire/types.ts';

const TIMEOUT_SECONDS = 30;
/** Polls a test server answers; it holds the ones after them until the test ends. */
const ANSWERED_POLLS = 5;

/** A server that answers a poll with the message after its cursor, as `answer` writes it. */
interface PollServer {
  url: string;
  /** The `since` of every poll, in the order they came. */
  cursors: string[];
  server: Server;
}

type Answer = (response: ServerResponse, body: string, poll: number) => void;

async function startPollServer(answer: Answer): Promise<PollServer> {
  const cursors: string[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const since = new URL(request.url ?? '/', 'http://test').searchParams.get('since') ?? '';
    cursors.push(since);
    if (cursors.length > ANSWERED_POLLS) return; // held until the test ends
    const next = Number(since) + 1;
    const message: Message = { id: String(next), author: 'bench', text: `message ${next}`, ts: Date.now() };
    answer(response, JSON.stringify({ messages: [message], cursor: String(next) }), cursors.length);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, cursors, server };
}

let running: RunningClients | undefined;
let pollServer: PollServer | undefined;

afterEach(async () => {
  await running?.stop();
  pollServer?.server.closeAllConnections();
  pollServer?.server.close();
  running = undefined;
  pollServer = undefined;
});

/** Start one client from cursor "0" and collect the ids of the messages it receives. */
function startOneClient(url: string): { received: string[] } {
  const received: string[] = [];
  running = longPollClients.start({
    url,
    strategy: 'long-poll',
    clients: 1,
    startCursor: '0',
    settings: {},
    timeoutSeconds: TIMEOUT_SECONDS,
    onMessages: (_client, messages) => received.push(...messages.map((message) => message.id)),
  });
  return { received };
}

describe('the bench\'s long-poll clients', () => {
  it('send back the cursor of each answer, on one kept-alive connection, when answers carry a Content-Length', async () => {
    const sockets = new Set<unknown>();
    pollServer = await startPollServer((response, body) => {
      sockets.add(response.socket);
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      response.end(body);
    });
    const { received } = startOneClient(pollServer.url);
    await expect.poll(() => pollServer!.cursors.length).toBe(ANSWERED_POLLS + 1);
    expect(received).toEqual(['1', '2', '3', '4', '5']);
    expect(pollServer.cursors).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(sockets.size).toBe(1);
    expect(running!.traffic()).toMatchObject({ non2xx: 0, errors: 0, timeouts: 0 });
  });

  it('read answers sent in chunks (no Content-Length)', async () => {
    pollServer = await startPollServer((response, body) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.write(body.slice(0, 10)); // two writes: node:http sends them as two chunks
      response.end(body.slice(10));
    });
    const { received } = startOneClient(pollServer.url);
    await expect.poll(() => pollServer!.cursors.length).toBe(ANSWERED_POLLS + 1);
    expect(received).toEqual(['1', '2', '3', '4', '5']);
    expect(running!.traffic()).toMatchObject({ errors: 0 });
  });

  it('open a fresh connection after an answer that says "Connection: close", counting no error', async () => {
    pollServer = await startPollServer((response, body) => {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
      response.end(body);
    });
    const { received } = startOneClient(pollServer.url);
    await expect.poll(() => pollServer!.cursors.length).toBe(ANSWERED_POLLS + 1);
    expect(received).toEqual(['1', '2', '3', '4', '5']);
    expect(running!.traffic()).toMatchObject({ errors: 0, non2xx: 0 });
  });

  it('wait Retry-After after a 503, then ask again with the same cursor', async () => {
    pollServer = await startPollServer((response, body, poll) => {
      if (poll === 1) {
        response.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '0' });
        response.end('{"error":"too many held requests"}');
        return;
      }
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      response.end(body);
    });
    const { received } = startOneClient(pollServer.url);
    await expect.poll(() => pollServer!.cursors.length).toBe(ANSWERED_POLLS + 1);
    expect(pollServer.cursors).toEqual(['0', '0', '1', '2', '3', '4']);
    expect(received).toEqual(['1', '2', '3', '4']);
    expect(running!.traffic()).toMatchObject({ non2xx: 1, errors: 0 });
  });

  it('count a connection dropped mid-hold as an error, then resume from the cursor', async () => {
    pollServer = await startPollServer((response, body, poll) => {
      if (poll === 2) {
        response.socket?.destroy(); // the second poll is cut off without an answer
        return;
      }
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      response.end(body);
    });
    const { received } = startOneClient(pollServer.url);
    await expect.poll(() => pollServer!.cursors.length, { timeout: 10_000 }).toBe(ANSWERED_POLLS + 1);
    expect(pollServer.cursors).toEqual(['0', '1', '1', '2', '3', '4']);
    expect(received).toEqual(['1', '2', '3', '4']);
    expect(running!.traffic()).toMatchObject({ errors: 1, timeouts: 0 });
  });
});
