// Slow clients cannot pin the server: a client that trickles its headers or
// its body is cut off after --headers-timeout / --request-timeout, and while
// hundreds of them trickle, a normal client still chats.

import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, post, receive, startTestServer, type TestServer } from '../support/server.ts';
import { openSocket } from './support/raw-http.ts';

const SLOW_HEADER_CLIENTS = 300;
const SLOW_BODY_CLIENTS = 20;
const TRICKLE_EVERY_MS = 200;

describe('slow clients (slowloris)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ headersTimeoutMs: 1500, requestTimeoutMs: 3000, settings: { holdTimeout: 60_000 } });
  });
  afterAll(() => server.stop());

  it(`cuts off ${SLOW_HEADER_CLIENTS} clients trickling headers and ${SLOW_BODY_CLIENTS} trickling a body, while a normal client chats`, async () => {
    const slowHeaders = await Promise.all(Array.from({ length: SLOW_HEADER_CLIENTS }, () => openSocket(server.port)));
    const slowBodies = await Promise.all(Array.from({ length: SLOW_BODY_CLIENTS }, () => openSocket(server.port)));
    const open = new Set<Socket>([...slowHeaders, ...slowBodies]);
    for (const socket of open) {
      socket.on('error', () => {}); // a cut-off may arrive as a reset
      socket.on('close', () => open.delete(socket));
    }
    for (const socket of slowHeaders) socket.write('GET /api/config HTTP/1.1\r\nHost: x\r\n');
    for (const socket of slowBodies) {
      socket.write('POST /api/short-poll/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
    }
    // One byte per socket per tick: a header that never ends, a body that never completes.
    const trickle = setInterval(() => {
      for (const socket of slowHeaders) if (!socket.destroyed) socket.write('X');
      for (const socket of slowBodies) if (!socket.destroyed) socket.write(' ');
    }, TRICKLE_EVERY_MS);

    try {
      // Meanwhile, a normal client chats.
      let { body: page } = await receive(server, 'long-poll');
      for (let round = 0; round < 5; round++) {
        const waiting = receive(server, 'long-poll', page.cursor);
        const sent = await post(server, 'long-poll', { author: 'ann', text: `still here ${round}` });
        expect(sent.status).toBe(201);
        page = (await waiting).body;
        expect(page.messages.map((message) => message.text)).toEqual([`still here ${round}`]);
      }
      await eventually(() => open.size === 0, 'the server has cut off every slow client', 15_000);
    } finally {
      clearInterval(trickle);
      for (const socket of open) socket.destroy();
    }
    // None of the trickled bodies became a message.
    expect((await receive(server, 'short-poll', '0')).body.messages).toHaveLength(5);
  });

  it('does not cut off a request that is held longer than the request timeout', async () => {
    const quick = await startTestServer({ headersTimeoutMs: 300, requestTimeoutMs: 600, settings: { holdTimeout: 1500 } });
    try {
      const { body: start } = await receive(quick, 'long-poll');
      // The request arrived whole at once; holding the answer is the server's doing, not a slow client's.
      const { status, body } = await receive(quick, 'long-poll', start.cursor);
      expect(status).toBe(200);
      expect(body).toEqual({ messages: [], cursor: start.cursor });
    } finally {
      await quick.stop();
    }
  });
});
