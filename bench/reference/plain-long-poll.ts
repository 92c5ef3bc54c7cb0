// The plain reference: an event-driven long poll in one page of node:http,
// the yardstick the bench measures every strategy against. It speaks the
// long-poll part of the workbench's HTTP contract, and nothing else:
//
//   POST /api/long-poll/messages {"author","text"}  201 {"id","ts"}, and every waiter is answered
//   GET  /api/long-poll/messages                    the history and a cursor, at once
//   GET  /api/long-poll/messages?since=<id>         what is newer, at once, or held until a post
//                                                    (or --hold-timeout: then "messages": [])
//   GET  /api/config, GET /api/stats                the hold timeout, and how many are held
//
// A message's id is its position in the array (1, 2, 3...), so a cursor is an integer and
// "newer than the cursor" is a slice. A post wakes every waiter at once; waiters that hold the
// same cursor get the same answer, so each distinct cursor is serialized once per post.
// Run it alone: node --import tsx bench/reference/plain-long-poll.ts --port 3001

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { checkDraft } from '../../wire/draft.ts';
import type { Message, MessagesPage } from '../../wire/types.ts';

const { values: flags } = parseArgs({ options: { port: { type: 'string', default: '3001' }, 'hold-timeout': { type: 'string', default: '25000' } } });
const HOLD_TIMEOUT_MS = Number(flags['hold-timeout']);
const MAX_BODY_BYTES = 16_384;
const PATH = '/api/long-poll/messages';

interface Waiter { since: number; response: ServerResponse; timer: NodeJS.Timeout }

const messages: Message[] = [];
const waiters = new Set<Waiter>();
let requestsServed = 0;

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://reference');
  if (url.pathname === PATH && request.method === 'GET') poll(url.searchParams.get('since'), response);
  else if (url.pathname === PATH && request.method === 'POST') readPost(request, response);
  else if (url.pathname === '/api/config') send(response, 200, { defaultStrategy: 'long-poll', joinUrls: [], strategies: [{ name: 'long-poll', summary: 'the plain reference', holdTimeoutMs: HOLD_TIMEOUT_MS }] });
  else if (url.pathname === '/api/stats') send(response, 200, { strategies: { 'long-poll': { requestsServed, held: waiters.size } } });
  else send(response, 404, { error: `no ${request.method} ${url.pathname} here` });
});

function poll(sinceText: string | null, response: ServerResponse): void {
  const since = sinceText === null ? 0 : Number(sinceText);
  if (!Number.isInteger(since) || since < 0 || since > messages.length) return send(response, 400, { error: `unknown cursor "${sinceText}"` });
  if (sinceText === null || since < messages.length) return send(response, 200, page(since));
  const waiter: Waiter = { since, response, timer: setTimeout(() => answer(waiter, JSON.stringify(page(since))), HOLD_TIMEOUT_MS) };
  waiters.add(waiter);
  response.once('close', () => forget(waiter)); // the client left: stop holding its request
}

function readPost(request: IncomingMessage, response: ServerResponse): void {
  const chunks: Buffer[] = [];
  let size = 0;
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) send(response, 413, { error: `the body is over ${MAX_BODY_BYTES} bytes` }, () => request.destroy());
    else chunks.push(chunk);
  });
  request.on('end', () => {
    if (size > MAX_BODY_BYTES) return; // already refused
    let draft;
    try {
      draft = checkDraft(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    } catch (error) {
      return send(response, 400, { error: (error as Error).message });
    }
    const message: Message = { id: String(messages.length + 1), ...draft, ts: Date.now() };
    messages.push(message);
    send(response, 201, { id: message.id, ts: message.ts });
    wakeEveryWaiter();
  });
}

function wakeEveryWaiter(): void {
  const bodies = new Map<number, string>(); // cursor -> its answer, serialized once for this post
  for (const waiter of waiters) {
    let body = bodies.get(waiter.since);
    if (body === undefined) bodies.set(waiter.since, (body = JSON.stringify(page(waiter.since))));
    answer(waiter, body);
  }
}

function page(since: number): MessagesPage {
  return { messages: messages.slice(since), cursor: String(messages.length) };
}

function answer(waiter: Waiter, body: string): void {
  forget(waiter);
  send(waiter.response, 200, body);
}

function forget(waiter: Waiter): void {
  clearTimeout(waiter.timer);
  waiters.delete(waiter);
}

/** Answer with JSON; `body` may be already serialized. */
function send(response: ServerResponse, status: number, body: unknown, then?: () => void): void {
  if (response.headersSent) return;
  const bytes = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': bytes.length });
  response.end(bytes, then);
  requestsServed += 1;
}

server.listen(Number(flags.port), '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  console.log(`plain long-poll reference listening on http://127.0.0.1:${port}`);
});
