// A small EventSource for the lesson 8 checker, over node:http. It reads a
// stream the way a browser does (events, `id:`, `retry:`, comments), but the
// checker takes the events one at a time and decides when the connection
// drops: what it has taken is what the browser had processed, and the last
// event id it saw is what a browser would send back as Last-Event-ID. Below
// it, the few readings of a stream that every lesson 8 check shares.

import { request as httpRequest, type ClientRequest } from 'node:http';
import { say } from '../language.ts';

export interface StreamEvent {
  /** "message" unless the event named itself. */
  event: string;
  data: string;
  /** The stream's last event id once this event arrived, as EventSource keeps it. */
  lastEventId: string;
}

/** The stream as the server answered it: a status, and for a refusal its body. */
export interface Opened {
  status: number;
  /** The body of an answer other than 200 (a JSON error, normally). */
  refusal?: string;
}

export class EventStreamClient {
  /** The `retry:` the server sent, in ms, if it sent one. */
  retry: number | undefined;
  /** Resolves once the server has answered, or undefined if it did not within the time given. */
  readonly opened: Promise<Opened | undefined>;
  private readonly request: ClientRequest;
  /** Parsed and not yet taken. An entry without data only moves the last event id. */
  private readonly queue: StreamEvent[] = [];
  private wakeReader: (() => void) | undefined;
  private ended = false;
  private buffered = '';
  private pending = { event: '', data: [] as string[] };
  private lastEventIdSeen = '';
  private lastEventIdTaken = '';

  constructor(url: string, headers: Record<string, string>, limitMs: number) {
    let answered!: (opened: Opened | undefined) => void;
    this.opened = new Promise((resolve) => (answered = resolve));
    const giveUp = setTimeout(() => {
      answered(undefined);
      this.cut();
    }, limitMs);
    this.request = httpRequest(url, { headers: { Accept: 'text/event-stream', ...headers } }, (response) => {
      clearTimeout(giveUp);
      response.setEncoding('utf8');
      if (response.statusCode !== 200) {
        let refusal = '';
        response.on('data', (chunk: string) => (refusal += chunk));
        response.on('end', () => answered({ status: response.statusCode ?? 0, refusal }));
        return;
      }
      answered({ status: 200 });
      response.on('data', (chunk: string) => this.parse(chunk));
      response.on('close', () => this.end());
    });
    this.request.on('error', () => {
      clearTimeout(giveUp);
      answered(undefined);
      this.end();
    });
    this.request.end();
  }

  /** The last event id among the events taken so far: what the browser would send back now. */
  get lastEventId(): string {
    return this.lastEventIdTaken;
  }

  /** The next message event (events with no data only move the last event id); undefined if none comes within `limitMs`. */
  async next(limitMs: number): Promise<StreamEvent | undefined> {
    const giveUpAt = Date.now() + limitMs;
    for (;;) {
      const event = this.queue.shift();
      if (event) {
        this.lastEventIdTaken = event.lastEventId;
        if (event.data !== '' || event.event !== 'message') return event;
        continue;
      }
      if (this.ended || Date.now() >= giveUpAt) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, giveUpAt - Date.now());
        this.wakeReader = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeReader = undefined;
    }
  }

  /** Drop the connection, as a lost network or a closed tab would; what was not taken is lost with it. */
  cut(): void {
    this.request.destroy();
    this.end();
  }

  private end(): void {
    this.ended = true;
    this.wakeReader?.();
  }

  private parse(chunk: string): void {
    this.buffered += chunk;
    let newline: number;
    while ((newline = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, newline).replace(/\r$/, '');
      this.buffered = this.buffered.slice(newline + 1);
      this.parseLine(line);
    }
    this.wakeReader?.();
  }

  private parseLine(line: string): void {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return; // a comment: the heartbeat
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') this.pending.data.push(value);
    else if (field === 'event') this.pending.event = value;
    else if (field === 'id' && !value.includes('\0')) this.lastEventIdSeen = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
  }

  /** As EventSource does at a blank line: the id counts even for an event with no data. */
  private dispatch(): void {
    const { event, data } = this.pending;
    this.pending = { event: '', data: [] };
    this.queue.push({ event: data.length === 0 ? 'message' : event || 'message', data: data.join('\n'), lastEventId: this.lastEventIdSeen });
  }
}

/** What a hint says when the server did not answer in time. */
export function noAnswer(): string {
  return say('no answer', '没有回答');
}

/** The chat message a message event carries, if its data is one. */
export function messageOf(event: StreamEvent): { id: string; text: string } | undefined {
  const message = parseJson(event.data) as { id?: unknown; text?: unknown } | undefined;
  return typeof message?.id === 'string' && typeof message.text === 'string' ? { id: message.id, text: message.text } : undefined;
}

/** The JSON in `text`, or undefined if it is none (a refusal's body may be plain text). */
export function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  try {
    return JSON.parse(text ?? '') as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
