// Every client transport, by the strategy name it speaks, in teaching order.
// A strategy the server lists without a transport here is shown, disabled.
// Adding one is writing its file and adding one line here.

import { longPoll } from './long-poll.ts';
import { longPollMtime } from './long-poll-mtime.ts';
import { shortPoll } from './short-poll.ts';
import { serverSentEvents } from './sse.ts';
import type { TransportFactory } from './transport.ts';
import { webSocket } from './websocket.ts';

export const transports: Record<string, TransportFactory> = {
  'short-poll': shortPoll,
  'long-poll-mtime': longPollMtime,
  'long-poll': longPoll,
  sse: serverSentEvents,
  websocket: webSocket,
};

export function hasTransport(strategy: string): boolean {
  return Object.hasOwn(transports, strategy);
}
