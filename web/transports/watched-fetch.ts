// fetch(), reported to the wire view: an open event when the request leaves,
// a close event with status, bytes and message count when the answer is in.

import type { Accepted, Draft } from '../../wire/types.ts';
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

export async function watchedFetch(
  wire: (event: WireEvent) => void,
  purpose: 'receive' | 'send',
  url: string,
  init: RequestInit = {},
): Promise<Answer> {
  const id = nextWireId();
  const method = init.method ?? 'GET';
  wire({ type: 'open', id, at: Date.now(), method, url, purpose, stream: false });
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, init);
    text = await response.text();
  } catch (error) {
    const reason = init.signal?.aborted ? 'stopped' : 'network error';
    wire({ type: 'close', id, at: Date.now(), error: reason, bytes: 0, messages: 0 });
    throw new NoAnswerError(`${method} ${url}: ${reason} (${String(error)})`);
  }
  const body = parseJson(text);
  const messages = isPage(body) ? body.messages.length : 0;
  wire({ type: 'close', id, at: Date.now(), status: response.status, bytes: new TextEncoder().encode(text).length, messages });
  return { status: response.status, headers: response.headers, body };
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

function isPage(body: unknown): body is { messages: unknown[] } {
  return typeof body === 'object' && body !== null && Array.isArray((body as { messages?: unknown }).messages);
}
