// A long-poll client: ask with the cursor, and as soon as an answer comes
// (messages, or empty at a hold timeout), ask again with the new cursor.
// long-poll and long-poll-mtime speak this same protocol; only the server differs.

import { startAutocannonClients } from './autocannon-clients.ts';
import type { ClientProtocol } from './client-protocol.ts';

export const longPollClients: ClientProtocol = {
  holds: true,
  // Re-asking at once needs no pacing; connections start together, as a class opening the page would.
  start: (options) => startAutocannonClients(options, { groups: 1, spreadMs: 0 }),
};
