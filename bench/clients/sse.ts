// SSE clients: each holds one event stream, GET /api/sse/events?since=<cursor>,
// and reads the events as they come, the way EventSource does.
//
// autocannon cannot do this: it measures requests that end, and an event
// stream never ends. So this is a plain node:http client, kept lean because
// one bench process holds thousands of them: per stream a small object and
// no timer once it is open; each chunk is parsed as it arrives, line by line,
// and the messages it completes are recorded with the chunk's receive time.
//
// Resuming after a drop (Last-Event-ID) is not simulated: a stream that ends
// before the bench stops it counts as an error, and what its client then
// misses counts as lost.

import { Agent, request } from 'node:http';
import type { Message } from '../../wire/types.ts';
import { benchClockMs } from '../delivery-log.ts';
import type { ClientProtocol, ClientsOptions } from './client-protocol.ts';
import { countedWhenClosed, PushConnections, type PushConnection } from './push-connections.ts';

const CARRIAGE_RETURN = 13;
const SPACE = 32;

interface EventStream extends PushConnection {
  client: number;
  /** The start of a line whose end has not arrived yet. */
  partial: string;
  /** The event being read: its `event:` name and its `data:` lines so far. */
  event: string;
  data: string | undefined;
}

export const sseClients: ClientProtocol = {
  holds: true,
  start(options) {
    const url = `${options.url}/api/${options.strategy}/events?since=${encodeURIComponent(options.startCursor)}`;
    // One connection per stream, never reused: a stream ends only when its connection does.
    const agent = new Agent({ keepAlive: false });
    const connections = new PushConnections(options.timeoutSeconds * 1000);
    connections.openAll(options.clients, (client) => {
      const outgoing = request(url, { agent, headers: { Accept: 'text/event-stream' } });
      const stream: EventStream = { client, stage: 'connecting', partial: '', event: '', data: undefined, cut: () => outgoing.destroy() };
      outgoing.once('socket', (socket) => connections.countBytesOf(socket));
      outgoing.once('response', (response) => {
        const accepted = response.statusCode === 200;
        connections.answered(stream, accepted);
        if (!accepted) return void response.resume();
        response.setEncoding('utf8'); // decodes across chunk boundaries, so a character split in two arrives whole
        response.on('data', (chunk: string) => readEvents(stream, chunk, options, connections));
        response.on('error', countedWhenClosed);
      });
      outgoing.on('error', countedWhenClosed);
      outgoing.once('close', () => connections.closed(stream));
      outgoing.end();
      return stream;
    });
    return connections;
  },
};

/**
 * Read the complete lines of what has arrived; an empty line ends an event.
 * `id:` and `retry:` only matter to a client that reconnects, so they are skipped.
 */
function readEvents(stream: EventStream, chunk: string, options: ClientsOptions, connections: PushConnections): void {
  const receivedAtMs = benchClockMs();
  const text = stream.partial + chunk;
  let messages: Message[] | undefined;
  let start = 0;
  for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
    // Lines end in \n or \r\n (a lone \r is legal too, but no server of ours sends it).
    const line = end > start && text.charCodeAt(end - 1) === CARRIAGE_RETURN ? text.slice(start, end - 1) : text.slice(start, end);
    start = end + 1;
    if (line === '') {
      const message = endOfEvent(stream, connections);
      if (message) (messages ??= []).push(message);
    } else if (line.startsWith('data:')) {
      const value = fieldValue(line, 5);
      stream.data = stream.data === undefined ? value : `${stream.data}\n${value}`;
    } else if (line.startsWith('event:')) {
      stream.event = fieldValue(line, 6);
    } // else a comment (": heartbeat"), id: or retry:
  }
  stream.partial = start === text.length ? '' : text.slice(start);
  if (messages) options.onMessages(stream.client, messages, receivedAtMs);
}

/** The event just completed, if it is a chat message (unnamed events are "message"; "gap" is not one). */
function endOfEvent(stream: EventStream, connections: PushConnections): Message | undefined {
  const { event, data } = stream;
  stream.event = '';
  stream.data = undefined;
  if (data === undefined || (event !== '' && event !== 'message')) return undefined;
  try {
    return JSON.parse(data) as Message;
  } catch {
    connections.unreadable();
    return undefined;
  }
}

/** A field's value: after the colon, without the one space that may follow it. */
function fieldValue(line: string, afterColon: number): string {
  return line.charCodeAt(afterColon) === SPACE ? line.slice(afterColon + 1) : line.slice(afterColon);
}
