// fetch(), reported to the wire view: an open event when the page makes the
// request, a close event with status, bytes and message count when the answer
// is in.
//
// Between the two, the page cannot tell whether the server holds the request
// or the browser has not sent it yet: a browser sends at most six requests to
// one host at once, across all its tabs, and queues the rest. Once the answer
// is in, the browser's Resource Timing entry says when the request really
// left (requestStart), and the close event carries it, so the wire view can
// show the time spent queued apart from the time spent at the server.
//
// Every request asks for `cache: 'no-store'`. Not for freshness (the API's
// answers say no-store already) but because Chromium lets only one request
// for a URL go to the network at a time while its cache decides about it:
// seven tabs long-polling the same ?since= would leave one request at the
// server and six queued behind it.

import type { Accepted, Draft, MessagesPage } from '../../wire/types.ts';
import { pageText } from '../i18n/page-language.ts';
import type { WireEvent } from './transport.ts';

/** Every request and stream on the page gets its own number, whatever transport made it. */
let lastWireId = 0;
export function nextWireId(): number {
  lastWireId += 1;
  return lastWireId;
}

export interface Answer {
  status: number;
  headers: Headers;
  /** The parsed JSON body; undefined if the body was empty or not JSON. */
  body: unknown;
}

/** A failure that never got an HTTP answer: network down, server gone, or stopped by us. */
export class NoAnswerError extends Error {}

// The page reads only its own requests' entries, one at a time: when the buffer is full, start it afresh rather than lose the next ones.
performance.addEventListener('resourcetimingbufferfull', () => performance.clearResourceTimings());

export async function watchedFetch(
  wire: (event: WireEvent) => void,
  purpose: 'receive' | 'send',
  url: string,
  init: RequestInit = {},
): Promise<Answer> {
  const id = nextWireId();
  const method = init.method ?? 'GET';
  const madeAt = performance.now();
  wire({ type: 'open', id, at: Date.now(), method, url, purpose, stream: false });
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { cache: 'no-store', ...init });
    text = await response.text();
  } catch (error) {
    const reason = init.signal?.aborted ? pageText().wire.ended.stopped : pageText().wire.ended.networkError;
    wire({ type: 'close', id, at: Date.now(), error: reason, bytes: 0, messages: 0 });
    throw new NoAnswerError(`${method} ${url}: ${reason} (${String(error)})`);
  }
  const body = parseJson(text);
  const messages = isMessagesPage(body) ? body.messages.length : 0;
  const sentAt = whenSent(url, madeAt);
  wire({ type: 'close', id, at: Date.now(), status: response.status, bytes: new TextEncoder().encode(text).length, messages, sentAt });
  return { status: response.status, headers: response.headers, body };
}

/** A body that is a page of messages, as GET /api/<strategy>/messages answers (the one check every transport uses). */
export function isMessagesPage(body: unknown): body is MessagesPage {
  const page = body as MessagesPage | undefined;
  return typeof page === 'object' && page !== null && Array.isArray(page.messages) && typeof page.cursor === 'string';
}

/** POST a message to /api/<strategy>/messages; throws with the server's error text if refused. */
export async function postMessage(wire: (event: WireEvent) => void, strategy: string, draft: Draft): Promise<Accepted> {
  const answer = await watchedFetch(wire, 'send', `/api/${strategy}/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(draft),
  });
  if (answer.status !== 201) throw new Error(errorText(answer));
  return answer.body as Accepted;
}

/** The server's `{"error": ...}` text, or the bare status. */
export function errorText(answer: Answer): string {
  const body = answer.body as { error?: unknown } | undefined;
  return typeof body?.error === 'string' ? `${answer.status}: ${body.error}` : `HTTP ${answer.status}`;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // not JSON (a proxy's error page, say): the caller sees no body
  }
}

/**
 * When the browser sent the request made at `madeAt` (performance time), as
 * epoch ms: its Resource Timing entry's requestStart. Undefined if the
 * browser keeps no entry for it.
 */
function whenSent(url: string, madeAt: number): number | undefined {
  const entries = performance.getEntriesByName(new URL(url, location.href).href, 'resource') as PerformanceResourceTiming[];
  // The same URL can be asked again (a long poll that timed out keeps its cursor): take the first entry made since.
  const entry = entries.find((candidate) => candidate.startTime >= madeAt - 1 && candidate.requestStart > 0);
  return entry ? Math.round(performance.timeOrigin + entry.requestStart) : undefined;
}
