// The wire view: what this tab's transport does on the network, drawn live.
//
//   timeline  one bar per request, from the moment the page made it to its
//             answer, on a window of the last seconds: a held long poll is one
//             long bar, short polls are a row of short ones, a stream is one
//             bar with a tick per event on it
//   table     the latest requests: status, how long, bytes, messages carried
//   counters  requests, empty answers, bytes, and the delivery delay of each
//             live message (when it arrived here - when the server accepted it)
//
// A request without an answer yet is "pending", not "held": the page cannot
// tell a request the server holds from one the browser has not sent yet,
// queued behind six others to the same host. Once answered, the browser says
// when it really left (sentAt, watched-fetch.ts), and the bar shows the time
// it spent queued apart from the time at the server.

import type { Delivery, WireEvent } from './transports/transport.ts';
import { clockTime, element } from './element.ts';
import { pageText } from './i18n/page-language.ts';

/** The timeline shows this much of the past. */
const WINDOW_MS = 20_000;
/** Bars are stacked on this many lanes when requests overlap (a send during a held poll). */
const LANES = 3;
/** Redraw the sliding window this often. */
const REDRAW_EVERY_MS = 250;
/** Requests kept in memory; a tight failing loop must not grow the page without bound. */
const KEEP_ENTRIES = 400;
/** Requests listed in the table. */
const TABLE_ROWS = 10;
/** A request that left the browser this much later than the page made it was queued (not just a busy page). */
const QUEUED_MIN_MS = 50;
/** The table's columns, left to right. */
const COLUMNS = ['at', 'request', 'status', 'took', 'bytes', 'messages'] as const;

interface Entry {
  id: number;
  method: string;
  url: string;
  purpose: 'receive' | 'send';
  stream: boolean;
  start: number;
  end?: number;
  status?: number;
  error?: string;
  /** When the browser sent it, if it was queued first (QUEUED_MIN_MS or more after `start`). */
  sentAt?: number;
  bytes: number;
  messages: number;
  lane: number;
  /** The events or frames on a stream: when, and which way (a WebSocket's posts go out on it). */
  ticks: { at: number; direction: 'in' | 'out' }[];
}

interface Counters {
  requests: number;
  empty: number;
  bytes: number;
  delays: number;
  delayTotalMs: number;
  latestDelayMs?: number;
}

export class WireView {
  private entries: Entry[] = [];
  private readonly byId = new Map<number, Entry>();
  private counters: Counters = freshCounters();
  private readonly timeline: HTMLElement;
  private readonly tableBody: HTMLTableSectionElement;
  private readonly counterCells: Record<'requests' | 'empty' | 'bytes' | 'delay' | 'average', HTMLElement>;
  private readonly caption: HTMLElement;
  private drawPending = false;

  constructor(container: HTMLElement) {
    const words = pageText().wire;
    const cell = (name: string) => element('dd', '', { 'data-counter': name }, ['0']);
    this.counterCells = { requests: cell('requests'), empty: cell('empty'), bytes: cell('bytes'), delay: cell('delay'), average: cell('average') };
    this.caption = element('p', 'wire-caption', {}, ['']);
    const counters = element(
      'dl',
      'counters',
      {},
      (['requests', 'empty', 'bytes', 'delay', 'average'] as const).map((name) => {
        const { label, explained } = words.counters[name];
        return element('div', 'counter', { title: explained }, [element('dt', '', {}, [label]), this.counterCells[name]]);
      }),
    );
    this.timeline = element('div', 'timeline', { role: 'img', 'aria-label': words.timeline(WINDOW_MS / 1000) });
    const axis = element('div', 'axis', { 'aria-hidden': 'true' }, [
      element('span', '', {}, [`−${WINDOW_MS / 1000} s`]),
      element('span', '', {}, [`−${WINDOW_MS / 2000} s`]),
      element('span', '', {}, [words.now]),
    ]);
    this.tableBody = element('tbody');
    const table = element('table', 'requests', {}, [
      element('caption', 'visually-hidden', {}, [words.tableCaption]),
      element('thead', '', {}, [
        element('tr', '', {}, COLUMNS.map((column) => element('th', '', { scope: 'col' }, [words.columns[column]]))),
      ]),
      this.tableBody,
    ]);
    const legend = element(
      'p',
      'legend',
      { 'aria-hidden': 'true' },
      (['queued', 'open', 'carried', 'empty', 'send', 'failed'] as const).map((kind) => swatch(kind, words.legend[kind])),
    );
    container.append(this.caption, counters, this.timeline, axis, legend, table);
    // Slides the window for as long as the page is open.
    setInterval(() => this.draw(), REDRAW_EVERY_MS);
  }

  /** Start counting afresh (after a switch of strategy), keeping the timeline. */
  resetCounters(caption: string): void {
    this.counters = freshCounters();
    this.caption.textContent = caption;
    this.draw();
  }

  record(event: WireEvent): void {
    this.drawSoon();
    if (event.type === 'open') {
      const entry: Entry = { ...event, start: event.at, bytes: 0, messages: 0, lane: this.freeLane(), ticks: [] };
      this.entries.push(entry);
      this.byId.set(entry.id, entry);
      this.counters.requests += 1;
      if (this.entries.length > KEEP_ENTRIES) this.byId.delete(this.entries.shift()!.id);
      return;
    }
    const entry = this.byId.get(event.id);
    if (!entry) return;
    if (event.type === 'data') {
      entry.ticks.push({ at: event.at, direction: event.direction });
      if (event.direction === 'in') this.countAnswer(entry, event.bytes, event.messages);
      return;
    }
    entry.end = event.at;
    entry.status = event.status;
    entry.error = event.error;
    if (event.sentAt !== undefined && event.sentAt - entry.start >= QUEUED_MIN_MS) entry.sentAt = Math.min(event.sentAt, event.at);
    if (!entry.stream) this.countAnswer(entry, event.bytes, event.messages);
    if (entry.purpose === 'receive' && event.status === 200 && entry.messages === 0 && !entry.stream) this.counters.empty += 1;
  }

  /** Count the delivery delay of live messages (history is old by nature, so it is left out). */
  recordDelivery(delivery: Delivery): void {
    if (delivery.history) return;
    for (const message of delivery.messages) {
      const delay = Math.max(0, delivery.receivedAt - message.ts);
      this.counters.latestDelayMs = delay;
      this.counters.delays += 1;
      this.counters.delayTotalMs += delay;
    }
  }

  private countAnswer(entry: Entry, bytes: number, messages: number): void {
    entry.bytes += bytes;
    entry.messages += messages;
    this.counters.bytes += bytes;
  }

  /** The lowest lane with nothing open on it, so overlapping requests do not hide each other. */
  private freeLane(): number {
    const busy = new Set(this.entries.filter((entry) => entry.end === undefined).map((entry) => entry.lane));
    for (let lane = 0; lane < LANES; lane += 1) if (!busy.has(lane)) return lane;
    return LANES - 1;
  }

  /** Draw at the next frame rather than wait for the timer: a request shows the moment it leaves. */
  private drawSoon(): void {
    if (this.drawPending) return;
    this.drawPending = true;
    requestAnimationFrame(() => {
      this.drawPending = false;
      this.draw();
    });
  }

  private draw(): void {
    const now = Date.now();
    this.drawCounters();
    this.drawTimeline(now);
    this.drawTable(now);
  }

  private drawCounters(): void {
    const { requests, empty, bytes, delays, delayTotalMs, latestDelayMs } = this.counters;
    this.counterCells.requests.textContent = String(requests);
    this.counterCells.empty.textContent = String(empty);
    this.counterCells.bytes.textContent = formatBytes(bytes);
    this.counterCells.delay.textContent = latestDelayMs === undefined ? '–' : `${latestDelayMs} ms`;
    this.counterCells.average.textContent = delays === 0 ? '–' : `${Math.round(delayTotalMs / delays)} ms`;
  }

  private drawTimeline(now: number): void {
    const from = now - WINDOW_MS;
    const bars: HTMLElement[] = [];
    for (const entry of this.entries) {
      const end = entry.end ?? now;
      if (end < from) continue;
      const bar = element('div', `bar ${barKind(entry)}`, { title: describe(entry, now) });
      // Positions are set through the CSSOM: the page's CSP forbids style="" attributes.
      const barStart = Math.max(entry.start, from);
      bar.style.left = `${percent(barStart - from)}%`;
      bar.style.width = `${Math.max(0.4, percent(end - barStart))}%`;
      bar.style.top = `${entry.lane * (100 / LANES)}%`;
      /** Where a moment falls along the bar, for what is drawn on it. */
      const along = (at: number) => `${((at - barStart) / Math.max(1, end - barStart)) * 100}%`;
      if (entry.sentAt !== undefined && entry.sentAt > from) {
        const queued = element('span', 'queued-part');
        queued.style.width = along(entry.sentAt);
        bar.append(queued);
      }
      for (const tick of entry.ticks) {
        if (tick.at < from) continue;
        const mark = element('span', `tick ${tick.direction}`);
        mark.style.left = along(tick.at);
        bar.append(mark);
      }
      bars.push(bar);
    }
    this.timeline.replaceChildren(...bars);
  }

  private drawTable(now: number): void {
    const rows = this.entries.slice(-TABLE_ROWS).reverse().map((entry) => {
      const took = (entry.end ?? now) - entry.start;
      const state = entry.end === undefined ? 'open' : entry.error || (entry.status ?? 0) >= 400 ? 'failed' : 'done';
      const queuedMs = entry.sentAt === undefined ? 0 : entry.sentAt - entry.start;
      return element(
        'tr',
        barKind(entry),
        {
          'data-state': state,
          'data-purpose': entry.purpose,
          'data-took-ms': took,
          'data-queued-ms': queuedMs,
          'data-messages': entry.messages,
          'data-url': entry.url,
          title: describe(entry, now),
        },
        [
          element('td', '', {}, [clockTime(entry.start)]),
          // As code: a method and a path, the same in every language.
          element('td', 'url', { title: `${entry.method} ${entry.url}` }, [element('code', '', {}, [`${entry.method} ${shortUrl(entry.url)}`])]),
          element('td', '', {}, [statusText(entry)]),
          element('td', 'number', {}, [formatDuration(took)]),
          element('td', 'number', {}, [String(entry.bytes)]),
          element('td', 'number', {}, [String(entry.messages)]),
        ],
      );
    });
    this.tableBody.replaceChildren(...rows);
  }
}

function freshCounters(): Counters {
  return { requests: 0, empty: 0, bytes: 0, delays: 0, delayTotalMs: 0 };
}

function swatch(kind: string, label: string): HTMLElement {
  return element('span', 'swatch', {}, [element('span', `bar ${kind}`), label]);
}

/** The colour of a bar: what the request did. */
function barKind(entry: Entry): string {
  if (entry.end === undefined) return 'open';
  if (entry.error || (entry.status ?? 0) >= 400) return 'failed';
  if (entry.purpose === 'send') return 'send';
  return entry.messages > 0 ? 'carried' : 'empty';
}

/** The status column: the answer's status, or what is known of a request still out. */
function statusText(entry: Entry): string {
  if (entry.end !== undefined) return entry.error ?? String(entry.status);
  return entry.stream ? pageText().wire.open : pageText().wire.pending;
}

function describe(entry: Entry, now: number): string {
  const words = pageText().wire;
  const took = formatDuration((entry.end ?? now) - entry.start);
  const request = `${entry.method} ${entry.url}`;
  if (entry.end === undefined && entry.stream) return words.streamOpen(request, took, entry.bytes, entry.messages);
  if (entry.end === undefined) return words.noAnswerYet(request, took);
  const queued = entry.sentAt === undefined ? '' : words.queuedPart(formatDuration(entry.sentAt - entry.start));
  return words.answered(request, entry.error ?? `HTTP ${entry.status}`, took, queued, entry.bytes, entry.messages);
}

function percent(ms: number): number {
  return (ms / WINDOW_MS) * 100;
}

/** "/api/long-poll/messages?since=4" -> "long-poll ?since=4": the strategy and the cursor are what differ. */
function shortUrl(url: string): string {
  return url.replace(/^\/api\//, '').replace(/\/messages(\?|$)/, ' $1');
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function formatBytes(bytes: number): string {
  return bytes < 10_000 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}
