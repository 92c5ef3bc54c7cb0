// A few thousand malformed requests, sent as raw bytes: the server answers or
// closes every one, stays up, holds nothing afterwards, and the room is unchanged.

import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_FILE_NAME } from '../../room/message-log.ts';
import { eventually, post, receive, startTestServer, stats, type TestServer } from '../support/server.ts';
import { malformedRequest } from './support/malformed-requests.ts';
import { rawExchange, seededRandom, type RawOutcome } from './support/raw-http.ts';

const REQUESTS = 3000;
const AT_ONCE = 40;
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_601);

describe('malformed requests (fuzz)', () => {
  let server: TestServer;
  beforeAll(async () => {
    // Short holds, so that a fuzzed request that happens to be a valid long poll is answered soon.
    server = await startTestServer({ settings: { holdTimeout: 300, mtimeHoldTimeout: 300 } });
    for (const text of ['before', 'the', 'storm']) await post(server, 'short-poll', { author: 'ann', text });
  });
  afterAll(() => server.stop());

  it(`answers or closes each of ${REQUESTS} malformed requests, stays up, and leaves the room unchanged (seed ${SEED})`, async () => {
    const roomBefore = (await receive(server, 'short-poll', '0')).body;
    const logSizeBefore = (await stat(join(server.dataDir, LOG_FILE_NAME))).size;
    const random = seededRandom(SEED);
    const requests = Array.from({ length: REQUESTS }, () => malformedRequest(random));

    const outcomes: RawOutcome['how'][] = [];
    let next = 0;
    const sender = async () => {
      while (next < requests.length) {
        const request = requests[next++];
        outcomes.push((await rawExchange(server.port, request, { waitMs: 5000 })).how);
      }
    };
    await Promise.all(Array.from({ length: AT_ONCE }, sender));

    expect(outcomes.filter((how) => how === 'silent')).toEqual([]);
    expect(outcomes.filter((how) => how === 'answered').length).toBeGreaterThan(REQUESTS / 2);
    // Still up, holding nothing, and the room is exactly as it was.
    const counters = (await stats(server)).strategies;
    await eventually(async () => Object.values((await stats(server)).strategies).every((counter) => counter.held === 0), 'nothing is held');
    expect(Object.keys(counters).length).toBeGreaterThan(0);
    expect((await receive(server, 'short-poll', '0')).body).toEqual(roomBefore);
    expect((await stat(join(server.dataDir, LOG_FILE_NAME))).size).toBe(logSizeBefore);
    expect((await post(server, 'short-poll', { author: 'ann', text: 'after the storm' })).status).toBe(201);
  }, 120_000);
});
