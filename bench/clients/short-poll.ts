// A short-poll client: one request per poll interval, answered at once.
//
// autocannon's per-connection rate (requests per second, at least 1) says
// "at most one request per interval". Its rate window is per connection and
// starts when the connection does, so connections are started in groups
// spread over one interval: real browsers do not all poll in the same
// millisecond, and a synchronized herd would measure something else.

import { startAutocannonClients } from './autocannon-clients.ts';
import type { ClientProtocol } from './client-protocol.ts';

const DEFAULT_POLL_INTERVAL_MS = 1000;
/** Groups the clients start in, spread over one poll interval. */
const START_GROUPS = 10;

export const shortPollClients: ClientProtocol = {
  holds: false,
  start(options) {
    const intervalMs = Number(options.settings.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
    const requestsPerSecond = 1000 / intervalMs;
    if (!Number.isInteger(requestsPerSecond) || requestsPerSecond < 1) {
      throw new Error(
        `autocannon paces a connection in whole requests per second: a poll interval of ${intervalMs} ms ` +
          `(${requestsPerSecond.toFixed(2)}/s) cannot be expressed; use an interval that divides 1000 ms`,
      );
    }
    return startAutocannonClients(options, { requestsPerSecond, groups: START_GROUPS, spreadMs: intervalMs });
  },
};
