// A small EventSource for tests, over node:http: it parses the stream the way
// a browser does (events, ids, retry, comments) but never reconnects by
// itself, so a test decides when a connection drops and what it resumes from.

import { request as httpRequest, type ClientRequest, type IncomingHttpHeaders } from 'node:http';
import type { Message } from '../../wire/types.ts';

export interface ServerEvent {
  /** "message" unless the event named itself. */
  event: string;
  data: string;
  /** The stream's last event id once this event arrived, as EventSource's lastEventId. */
  lastEventId: string;
}

export class EventStreamReader {
  readonly events: ServerEvent[] = [];
  /** Comment lines seen (": heartbeat"). */
  readonly comments: string[] = [];
  status = 0;
  headers: IncomingHttpHeaders = {};
  retry: number | undefined;
  /** As EventSource keeps it: set by every `id:` line, even one in an event with no data. */
  lastEventId = '';
  /** Resolves when the server has answered (status and headers known). */
  readonly opened: Promise<void>;
  /** Resolves when the connection has ended: "end of stream" if the server ended it properly, "cut" otherwise. */
  readonly ended: Promise<'end of stream' | 'cut'>;
  private readonly request: ClientRequest;
  private buffered = '';
  private pending = { event: '', data: [] as string[], id: undefined as string | undefined };

  constructor(url: string, headers: Record<string, string> = {}) {
    let opened!: () => void;
    let ended!: (how: 'end of stream' | 'cut') => void;
    this.opened = new Promise((resolve) => (opened = resolve));
    this.ended = new Promise((resolve) => (ended = resolve));
    this.request = httpRequest(url, { headers: { Accept: 'text/event-stream', ...headers } }, (response) => {
      this.status = response.statusCode ?? 0;
      this.headers = response.headers;
      opened();
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => this.parse(chunk));
      response.on('close', () => ended(response.complete ? 'end of stream' : 'cut'));
    });
    this.request.on('error', () => {
      opened();
      ended('cut');
    });
    this.request.end();
  }

  /** The chat messages received, in order. */
  messages(): Message[] {
    return this.events.filter((event) => event.event === 'message').map((event) => JSON.parse(event.data) as Message);
  }

  /** Drop the connection, as a network failure or a closed tab would. */
  close(): Promise<unknown> {
    this.request.destroy();
    return this.ended;
  }

  private parse(chunk: string): void {
    this.buffered += chunk;
    let newline: number;
    while ((newline = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, newline).replace(/\r$/, '');
      this.buffered = this.buffered.slice(newline + 1);
      this.parseLine(line);
    }
  }

  private parseLine(line: string): void {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return void this.comments.push(line.slice(1).trim());
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') this.pending.data.push(value);
    else if (field === 'event') this.pending.event = value;
    else if (field === 'id') this.pending.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
  }

  private dispatch(): void {
    const { event, data, id } = this.pending;
    this.pending = { event: '', data: [], id: undefined };
    if (id !== undefined) this.lastEventId = id;
    if (data.length === 0) return; // no data: no event, but the id still counts
    this.events.push({ event: event || 'message', data: data.join('\n'), lastEventId: this.lastEventId });
  }
}

export function eventsUrl(server: { url: string }, since?: string): string {
  return `${server.url}/api/sse/events${since === undefined ? '' : `?since=${encodeURIComponent(since)}`}`;
}
