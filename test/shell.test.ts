// The shell's own routes and the promises it makes for every strategy.

import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config, Stats } from '../wire/types.ts';
import { getJson, post, receive, startTestServer, type TestServer } from './support/server.ts';

/** Every strategy, in the order the course teaches them. */
const TEACHING_ORDER = ['short-poll', 'long-poll-mtime', 'long-poll', 'sse', 'websocket'];

describe('the HTTP shell', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ defaultStrategy: 'short-poll' });
  });
  afterAll(() => server.stop());

  it('lists every strategy with its settings in /api/config', async () => {
    const { status, body } = await getJson<Config>(`${server.url}/api/config`);
    expect(status).toBe(200);
    expect(body.defaultStrategy).toBe('short-poll');
    expect(body.strategies.map((strategy) => strategy.name)).toEqual(TEACHING_ORDER);
    for (const strategy of body.strategies) expect(strategy.summary).toEqual(expect.any(String));
  });

  it('serves the default strategy at /api/messages', async () => {
    const sent = await post(server, 'short-poll', { author: 'ann', text: 'via the default' });
    const { status, body } = await getJson<{ messages: { id: string }[] }>(`${server.url}/api/messages`);
    expect(status).toBe(200);
    expect(body.messages.map((message) => message.id)).toContain(sent.body.id);
    const viaDefault = await getJson<{ id: string }>(`${server.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ author: 'bob', text: 'posted to the default' }),
    });
    expect(viaDefault.status).toBe(201);
  });

  it('reports requests, held requests, the room and the process in /api/stats', async () => {
    const { status, body } = await getJson<Stats>(`${server.url}/api/stats`);
    expect(status).toBe(200);
    expect(Object.keys(body.strategies)).toEqual(TEACHING_ORDER);
    for (const counters of Object.values(body.strategies)) {
      expect(counters).toMatchObject({ requestsServed: expect.any(Number), held: expect.any(Number) });
    }
    expect(body.room).toEqual({ kind: 'memory', messages: expect.any(Number) });
    expect(body.process.cpuSeconds).toBeGreaterThan(0);
    expect(body.process.rssBytes).toBeGreaterThan(1_000_000);
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  it('answers 404 with a JSON error naming the known strategies for an unknown one', async () => {
    const { status, body } = await receive(server, 'carrier-pigeon');
    expect(status).toBe(404);
    expect((body as unknown as { error: string }).error).toMatch(/unknown strategy "carrier-pigeon"; known: short-poll, long-poll-mtime, long-poll, sse, websocket/);
  });

  it.each(['/api/short-poll/nothing-here', '/api/short-poll/messages/extra', '/api/'])('answers 404 with a JSON error for the unknown API path %s', async (path) => {
    const { status, headers, body } = await getJson<{ error: string }>(`${server.url}${path}`);
    expect(status).toBe(404);
    expect(headers.get('content-type')).toMatch(/application\/json/);
    expect(body.error).toMatch(/no API route/);
  });

  it('answers 405 with Allow on /api/config and /api/stats for anything but GET', async () => {
    for (const path of ['/api/config', '/api/stats']) {
      const { status, headers } = await getJson(`${server.url}${path}`, { method: 'POST' });
      expect(status).toBe(405);
      expect(headers.get('allow')).toBe('GET');
    }
  });

  it('marks API answers as not cacheable and not sniffable', async () => {
    const { headers } = await receive(server, 'short-poll');
    expect(headers.get('cache-control')).toBe('no-store');
    expect(headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves the web client at / with a Content-Security-Policy', async () => {
    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(await response.text()).toMatch(/<html/i);
  });

  it.each(['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/%2e%2e%2f%2e%2e%2fetc/passwd', '/..\\package.json', '/%00'])(
    'refuses to serve %s outside web/ with 404',
    async (path) => {
      // fetch() and URL parsing would normalise "..": send the request line exactly as written.
      const status = await new Promise<number>((resolve, reject) => {
        request({ host: '127.0.0.1', port: server.port, path }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
      expect(status).toBe(404);
    },
  );
});
