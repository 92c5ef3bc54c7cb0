// Simulated clients spread evenly over several servers, as a load balancer
// would spread browsers: each server gets its share of connections, and the
// shares are numbered one after the other, so the delivery log still sees
// clients 0..N-1 and counts every client's messages wherever it connected.

import type { ClientProtocol, ClientsOptions, RunningClients, Traffic } from './client-protocol.ts';

const NO_TRAFFIC: Traffic = { responses: 0, non2xx: 0, errors: 0, timeouts: 0, bytesReceived: 0 };

/** How many of `clients` go to each of `servers`: equal shares, the first ones taking one more if it does not divide. */
export function shareClients(clients: number, servers: number): number[] {
  return Array.from({ length: servers }, (_, index) => Math.floor(clients / servers) + (index < clients % servers ? 1 : 0));
}

/** Start `options.clients` clients of `protocol`, `shares[i]` of them on `urls[i]`. */
export function startSpreadClients(protocol: ClientProtocol, urls: string[], shares: number[], options: ClientsOptions): RunningClients {
  const groups: RunningClients[] = [];
  let firstClient = 0;
  urls.forEach((url, index) => {
    const offset = firstClient;
    firstClient += shares[index];
    if (shares[index] === 0) return; // fewer clients than servers: this one gets none
    groups.push(
      protocol.start({
        ...options,
        url,
        clients: shares[index],
        onMessages: (client, messages, receivedAtMs) => options.onMessages(offset + client, messages, receivedAtMs),
      }),
    );
  });
  return {
    traffic: () => groups.map((group) => group.traffic()).reduce(addTraffic, NO_TRAFFIC),
    async stop() {
      await Promise.all(groups.map((group) => group.stop()));
    },
  };
}

function addTraffic(a: Traffic, b: Traffic): Traffic {
  return {
    responses: a.responses + b.responses,
    non2xx: a.non2xx + b.non2xx,
    errors: a.errors + b.errors,
    timeouts: a.timeouts + b.timeouts,
    bytesReceived: a.bytesReceived + b.bytesReceived,
  };
}
