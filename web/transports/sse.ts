// Server-Sent Events: the browser's EventSource keeps one response open and
// the server writes each message to it as an event (id: the message id,
// data: the message as JSON). One request for as long as the page stays, and
// a message arrives as soon as the server has it: no asking, no empty answers.
// Only one way, though: posting stays a POST /api/sse/messages.
//
// EventSource reconnects by itself when the stream drops, after the `retry:`
// delay the server set, sending the last id back as Last-Event-ID: the server
// answers with exactly what was missed. What it does not do is try again
// after an answer other than 200 (503: no room for another held stream, or the
// room is down; 400: a cursor the server does not know). It then closes for
// good, and this transport takes over: back-off, a plain GET that shows the
// status and catches up, a new EventSource (push-loop.ts).
// Heartbeat comments keep proxies from closing an idle stream; EventSource
// hides them, so they do not appear in the wire view.
// Server side: strategies/sse.ts.

import { SSE_GAP_EVENT } from '../../wire/push.ts';
import type { Message } from '../../wire/types.ts';
import { pageText } from '../i18n/page-language.ts';
import { PushTransport } from './push-loop.ts';
import type { TransportFactory } from './transport.ts';
import { nextWireId } from './watched-fetch.ts';

const encoder = new TextEncoder();

class ServerSentEvents extends PushTransport {
  readonly strategy = 'sse';
  private source: EventSource | undefined;
  /** The wire view's id of the stream now open, if one is. */
  private streamId: number | undefined;

  protected openingDetail(): string {
    return pageText().status.openingStream;
  }

  protected open(cursor: string | undefined): void {
    const url = `/api/sse/events${cursor === undefined ? '' : `?since=${encodeURIComponent(cursor)}`}`;
    const source = new EventSource(url);
    this.source = source;
    this.streamOpened(url);

    source.addEventListener('open', () => {
      // After a drop, the browser's own reconnect: a new response, so a new bar in the wire view.
      if (this.streamId === undefined) this.streamOpened(`${url} (Last-Event-ID: ${this.cursor ?? pageText().status.none})`);
      this.connected(pageText().status.streamOpen);
    });
    source.addEventListener('message', (event) => {
      const message = parseMessage(event.data);
      // Counted as on the wire: "id: <id>\ndata: <json>\n\n".
      this.streamData(encoder.encode(`id: ${event.lastEventId}\ndata: ${event.data}\n\n`).length, message ? 1 : 0);
      if (message) this.received([message]);
    });
    source.addEventListener(SSE_GAP_EVENT, () => {
      this.streamData(encoder.encode(`event: ${SSE_GAP_EVENT}\ndata: {}\n\n`).length, 0);
      this.received([], true);
    });
    source.addEventListener('error', () => {
      if (source !== this.source) return;
      if (source.readyState === EventSource.CONNECTING) {
        // The stream dropped; the browser reconnects by itself, with Last-Event-ID.
        this.streamClosed('dropped');
        this.setStatus('reconnecting', pageText().status.streamDropped(this.cursor ?? pageText().status.none));
        return;
      }
      // CLOSED: the server answered with an error status, and EventSource never tries again.
      this.streamClosed('refused');
      source.close();
      this.source = undefined;
      this.lost(pageText().status.streamRefused, true);
    });
  }

  protected close(): void {
    this.source?.close();
    this.source = undefined;
    this.streamClosed();
  }

  private streamOpened(url: string): void {
    this.streamId = nextWireId();
    this.wire({ type: 'open', id: this.streamId, at: Date.now(), method: 'GET', url, purpose: 'receive', stream: true });
  }

  private streamData(bytes: number, messages: number): void {
    if (this.streamId === undefined) return;
    this.wire({ type: 'data', id: this.streamId, at: Date.now(), direction: 'in', bytes, messages });
  }

  /** No reason: we closed it ourselves. The status is the 200 the stream began with (EventSource hides a refusal's). */
  private streamClosed(reason?: 'dropped' | 'refused'): void {
    if (this.streamId === undefined) return;
    const error = reason && pageText().wire.ended[reason];
    this.wire({ type: 'close', id: this.streamId, at: Date.now(), status: reason === 'refused' ? undefined : 200, error, bytes: 0, messages: 0 });
    this.streamId = undefined;
  }
}

/** A message event's data, or undefined if it is not a message (it always is, from our server). */
function parseMessage(data: unknown): Message | undefined {
  try {
    const message = JSON.parse(String(data)) as Message;
    return typeof message?.id === 'string' && typeof message.text === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

export const serverSentEvents: TransportFactory = () => new ServerSentEvents();
