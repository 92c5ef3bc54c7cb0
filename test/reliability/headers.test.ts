// Headers that keep browsers safe: API answers, errors included, are never
// cached or sniffed; cross-origin calls are refused unless --cors names the origin.

import { afterEach, describe, expect, it } from 'vitest';
import { getJson, heldBecomes, messagesUrl, receive, startTestServer, type TestServer } from '../support/server.ts';

const TEACHER = 'http://127.0.0.1:8080';
const STRANGER = 'http://evil.example';

describe('API headers', () => {
  let server: TestServer;
  afterEach(() => server.stop());

  it('mark every error answer (400, 404, 405, 413, 415, 503) as JSON, not cacheable and not sniffable', async () => {
    server = await startTestServer({ maxHeld: 1, maxBodyBytes: 100, settings: { holdTimeout: 60_000 } });
    const { body: start } = await receive(server, 'long-poll');
    const client = new AbortController();
    const held = receive(server, 'long-poll', start.cursor, client.signal).catch(() => undefined);
    await heldBecomes(server, 'long-poll', 1);
    const json = { 'Content-Type': 'application/json' };
    const answers = await Promise.all([
      fetch(messagesUrl(server, 'long-poll', 'x')),
      fetch(`${server.url}/api/nope/messages`),
      fetch(`${server.url}/api/config`, { method: 'DELETE' }),
      fetch(messagesUrl(server, 'long-poll'), { method: 'POST', headers: json, body: 'x'.repeat(200) }),
      fetch(messagesUrl(server, 'long-poll'), { method: 'POST', body: 'x' }),
      fetch(messagesUrl(server, 'long-poll', start.cursor)),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([400, 404, 405, 413, 415, 503]);
    for (const answer of answers) {
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect((await answer.json()).error).toEqual(expect.any(String));
    }
    client.abort();
    await held;
  });
});

describe('cross-origin requests (--cors)', () => {
  let server: TestServer;
  afterEach(() => server.stop());

  function preflight(origin: string) {
    return fetch(messagesUrl(server, 'long-poll'), {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
  }

  it('are not allowed by default: no Access-Control-Allow-Origin, and preflights are refused', async () => {
    server = await startTestServer();
    const { headers } = await getJson(messagesUrl(server, 'long-poll'), { headers: { Origin: TEACHER } });
    expect(headers.get('access-control-allow-origin')).toBeNull();
    const answer = await preflight(TEACHER);
    expect(answer.status).toBe(405);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('are allowed for the one origin given, and for no other', async () => {
    server = await startTestServer({ corsOrigin: TEACHER });
    const fromTeacher = await getJson(messagesUrl(server, 'long-poll'), { headers: { Origin: TEACHER } });
    expect(fromTeacher.headers.get('access-control-allow-origin')).toBe(TEACHER);
    expect(fromTeacher.headers.get('vary')).toMatch(/Origin/);
    const fromStranger = await getJson(messagesUrl(server, 'long-poll'), { headers: { Origin: STRANGER } });
    expect(fromStranger.headers.get('access-control-allow-origin')).toBeNull();

    const allowed = await preflight(TEACHER);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(TEACHER);
    expect(allowed.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/Content-Type/i);
    const refused = await preflight(STRANGER);
    expect(refused.status).toBe(405);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });
});
