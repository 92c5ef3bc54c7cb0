// The simulated client for each strategy, by the name the server gives it.
// A new strategy's bench support is one file in bench/clients/ and one line here.

import type { ClientProtocol } from './client-protocol.ts';
import { longPollClients } from './long-poll.ts';
import { shortPollClients } from './short-poll.ts';
import { sseClients } from './sse.ts';
import { websocketClients } from './websocket.ts';

export const clientProtocols: Record<string, ClientProtocol> = {
  'short-poll': shortPollClients,
  'long-poll-mtime': longPollClients,
  'long-poll': longPollClients,
  sse: sseClients,
  websocket: websocketClients,
};
