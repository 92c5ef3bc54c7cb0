// A loopback port nobody listens on right now, for a process we are about to
// start (redis-server, a lesson's server). Shared by the bench and the tests.

import { once } from 'node:events';
import { createServer } from 'node:net';

/** Ask the OS for a free port, then give it back; the next process takes it a moment later. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}
