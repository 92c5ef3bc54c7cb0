// Every way a held request can end gives back what it held. Here: clients
// that vanish (a clean close, or a reset as after a network error), ten
// thousand times over. Afterwards nothing is held and memory is back near
// where it started.

import type { Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, heldBecomes, receive, startTestServer, stats, type TestServer } from '../support/server.ts';
import { openSocket } from './support/raw-http.ts';

const BATCH = 250;
const LONG_POLL_CYCLES = 10_000;
const MTIME_CYCLES = 1_000;
/** Generous: a leak of 10,000 parked requests costs far more than this. */
const HEAP_MARGIN_BYTES = 12 * 1024 * 1024;

// A garbage collection on demand, so the heap is measured without garbage in it.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

describe('held requests whose clients go away', () => {
  let server: TestServer;
  beforeAll(async () => {
    // The held limit equals the batch: a single leaked slot would turn the next batch's last request into a 503.
    server = await startTestServer({ maxHeld: BATCH, settings: { holdTimeout: 120_000 } });
  });
  afterAll(() => server.stop());

  /** Park a batch of requests, then drop every client: half cleanly, half with a reset. */
  async function abortBatch(path: string, strategy: string, size: number): Promise<void> {
    const sockets: Socket[] = await Promise.all(Array.from({ length: size }, () => openSocket(server.port)));
    for (const socket of sockets) {
      socket.on('error', () => {}); // the reset side of the test: errors are expected
      socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
    }
    await heldBecomes(server, strategy, size);
    sockets.forEach((socket, i) => (i % 2 ? socket.resetAndDestroy() : socket.destroy()));
    await heldBecomes(server, strategy, 0);
  }

  async function heapAfterCollecting(): Promise<number> {
    for (let i = 0; i < 3; i++) {
      collectGarbage();
      await new Promise((resolve) => setImmediate(resolve));
    }
    return process.memoryUsage().heapUsed;
  }

  it(`releases ${LONG_POLL_CYCLES} long polls and ${MTIME_CYCLES} mtime polls, leaving nothing held and memory near its baseline`, async () => {
    const { body: start } = await receive(server, 'long-poll');
    const longPollPath = `/api/long-poll/messages?since=${start.cursor}`;
    const mtimePath = '/api/long-poll-mtime/messages?since=99999999999999';
    // Warm up first, so that lazily built things (parsers, pools) are in the baseline.
    await abortBatch(longPollPath, 'long-poll', BATCH);
    const baseline = await heapAfterCollecting();

    for (let done = 0; done < LONG_POLL_CYCLES; done += BATCH) await abortBatch(longPollPath, 'long-poll', BATCH);
    for (let done = 0; done < MTIME_CYCLES; done += BATCH) await abortBatch(mtimePath, 'long-poll-mtime', BATCH);

    const counters = (await stats(server)).strategies;
    for (const counter of Object.values(counters)) expect(counter.held).toBe(0);
    await eventually(async () => (await heapAfterCollecting()) < baseline + HEAP_MARGIN_BYTES, 'the heap is back near its baseline', 5000);
    if (process.env.POLLBENCH_SHOW_HEAP) console.log(`heap: baseline ${baseline}, after ${await heapAfterCollecting()}`);
  }, 120_000);
});
