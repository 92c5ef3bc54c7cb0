// WebSocket clients: each holds one socket, ws://…/api/websocket?since=<cursor>,
// and reads the server's JSON frames as they come, the way the browser's
// WebSocket does. The `ws` package speaks the protocol (and answers the
// server's pings by itself).
//
// autocannon cannot do this: it sends HTTP requests and waits for their
// answers, and after the upgrade there are no more HTTP requests, only frames.
//
// Kept lean because one bench process holds thousands of sockets: no
// compression (the server offers none either), no second check of the
// frames' UTF-8 (the server's JSON.stringify wrote it), no timer once a
// socket is open. Resuming after a drop is not simulated: a socket that
// closes before the bench stops it counts as an error, and what its client
// then misses counts as lost.

import { WebSocket, type RawData } from 'ws';
import type { ServerFrame } from '../../wire/push.ts';
import { benchClockMs } from '../delivery-log.ts';
import type { ClientProtocol, ClientsOptions } from './client-protocol.ts';
import { countedWhenClosed, PushConnections, type PushConnection } from './push-connections.ts';

export const websocketClients: ClientProtocol = {
  holds: true,
  start(options) {
    const url = `${options.url.replace(/^http/, 'ws')}/api/${options.strategy}?since=${encodeURIComponent(options.startCursor)}`;
    const connections = new PushConnections(options.timeoutSeconds * 1000);
    connections.openAll(options.clients, (client) => {
      const socket = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
      const connection: PushConnection = { stage: 'connecting', cut: () => socket.terminate() };
      socket.once('upgrade', (response) => connections.countBytesOf(response.socket));
      socket.once('open', () => connections.answered(connection, true));
      socket.once('unexpected-response', (_request, response) => {
        connections.answered(connection, false);
        response.resume();
        socket.terminate(); // still connecting: ws then reports an error and closes, which closed() counts
      });
      socket.on('message', (data, isBinary) => readFrame(client, data, isBinary, options, connections));
      socket.on('error', countedWhenClosed);
      socket.once('close', () => connections.closed(connection));
      return connection;
    });
    return connections;
  },
};

/** One frame from the server: a chat message is recorded; "gap", "posted" and "error" frames are not messages. */
function readFrame(client: number, data: RawData, isBinary: boolean, options: ClientsOptions, connections: PushConnections): void {
  const receivedAtMs = benchClockMs();
  let frame: ServerFrame;
  try {
    if (isBinary) throw new Error('the server sends text frames');
    frame = JSON.parse(data.toString()) as ServerFrame;
  } catch {
    connections.unreadable();
    return;
  }
  if (frame.type === 'message') options.onMessages(client, [frame.message], receivedAtMs);
}
