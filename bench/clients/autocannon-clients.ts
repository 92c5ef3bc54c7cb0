// Simulated request/response clients driven by autocannon, each connection
// following a strategy's protocol: GET ?since=<cursor>, take the messages,
// send the new cursor back in the next request. Short polling uses them, for
// autocannon's steady per-connection rate; long polling, whose answers come
// in bursts of thousands, has a leaner client of its own (long-poll.ts).
//
// autocannon resets a connection's `context` whenever its list of requests
// wraps around, which with one request is after every answer, so the cursor
// cannot live in the context alone. Options are deep-cloned per connection,
// so the `state` object on the request definition belongs to one connection:
// setupRequest hands it to the context, and onResponse updates it.

import autocannon from 'autocannon';
import type { MessagesPage } from '../../wire/types.ts';
import { benchClockMs } from '../delivery-log.ts';
import type { ClientsOptions, RunningClients, Traffic } from './client-protocol.ts';

/** We stop the clients ourselves; this only has to outlast any phase. */
const RUN_FOR_SECONDS = 3600;
/** How often autocannon checks whether it was told to stop. */
const STOP_CHECK_MS = 100;

interface ConnectionState {
  /** 0..clients-1, given on first use; -1 until then. */
  client: number;
  cursor: string;
}

interface CursorRequest extends autocannon.Request {
  state: ConnectionState;
}

export interface AutocannonPacing {
  /** Requests per second per connection (short polling); undefined: re-ask as soon as answered. */
  requestsPerSecond?: number;
  /**
   * Start the connections in this many groups, spread over `spreadMs`, so
   * clients that poll on a timer do not all ask in the same millisecond.
   */
  groups: number;
  spreadMs: number;
}

export function startAutocannonClients(options: ClientsOptions, pacing: AutocannonPacing): RunningClients {
  const traffic: Traffic = { responses: 0, non2xx: 0, errors: 0, timeouts: 0, bytesReceived: 0 };
  const path = `/api/${options.strategy}/messages`;
  let nextClient = 0;

  const request: CursorRequest = {
    method: 'GET',
    state: { client: -1, cursor: options.startCursor },
    setupRequest(built, context) {
      const state = (built as CursorRequest).state;
      if (state.client < 0) state.client = nextClient++;
      (context as { state?: ConnectionState }).state = state;
      built.path = `${path}?since=${encodeURIComponent(state.cursor)}`;
      return built;
    },
    onResponse(status, body, context) {
      const receivedAtMs = benchClockMs();
      if (status !== 200) return; // counted as non-2xx; the cursor stays as it was
      const state = (context as { state: ConnectionState }).state;
      const page = JSON.parse(body) as MessagesPage;
      state.cursor = page.cursor;
      if (page.messages.length > 0) options.onMessages(state.client, page.messages, receivedAtMs);
    },
  };

  const groups = Math.max(1, Math.min(pacing.groups, options.clients));
  const instances: autocannon.Instance[] = [];
  const finished: Promise<void>[] = [];
  const startTimers: NodeJS.Timeout[] = [];
  for (let group = 0; group < groups; group++) {
    const connections = Math.floor(options.clients / groups) + (group < options.clients % groups ? 1 : 0);
    startTimers.push(setTimeout(() => {
      let done!: () => void;
      finished.push(new Promise<void>((resolve) => (done = resolve)));
      // With a callback autocannon returns its instance (without, a promise): we need the instance to stop it.
      const instanceOptions = {
        url: options.url,
        connections,
        duration: RUN_FOR_SECONDS,
        timeout: options.timeoutSeconds,
        requests: [request],
        sampleInt: STOP_CHECK_MS,
        ...(pacing.requestsPerSecond !== undefined
          ? { connectionRate: pacing.requestsPerSecond, ignoreCoordinatedOmission: true }
          : {}),
      } as autocannon.Options;
      const instance = autocannon(instanceOptions, () => done());
      instance.on('response', (_client, statusCode, bytes) => {
        traffic.responses += 1;
        traffic.bytesReceived += bytes;
        if (statusCode < 200 || statusCode > 299) traffic.non2xx += 1;
      });
      instance.on('reqError', (error: Error) => {
        if (error.message === 'request timed out') traffic.timeouts += 1;
        else traffic.errors += 1;
      });
      instances.push(instance);
    }, (group * pacing.spreadMs) / groups));
  }

  return {
    traffic: () => ({ ...traffic }),
    async stop() {
      for (const timer of startTimers) clearTimeout(timer);
      for (const instance of instances) instance.stop();
      await Promise.all(finished);
    },
  };
}
