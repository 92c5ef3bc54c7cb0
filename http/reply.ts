// Writing JSON answers. API answers are never cached and never sniffed as HTML.
//
// One answer to one client goes to node:http as a string: node:http joins it
// to the status line and headers and sends them in one write.
//
// One answer to many clients (a message waking every parked long poll) is
// encoded once into a Buffer that every client's write shares, beside that
// client's headers. As a string, node:http would join it to each client's
// headers into a new string per client; with thousands woken at once, those
// strings outlived V8's young-generation collections and were copied into the
// old generation, which cost the server more than one more chunk per write.

import type { ServerResponse } from 'node:http';

/** Headers every API answer carries. */
export const API_HEADERS = {
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
} as const;

/** Send `body` as JSON. */
export function replyJson(response: ServerResponse, status: number, body: unknown, extraHeaders: Record<string, string> = {}): void {
  const json = JSON.stringify(body);
  response.writeHead(status, { ...API_HEADERS, 'Content-Length': String(Buffer.byteLength(json)), ...extraHeaders });
  response.end(json);
}

/** Clients answered in one go before node:http gets to finish their responses. */
const ANSWERS_PER_SLICE = 100;

/**
 * Send the same JSON answer to many clients: the body is serialized and
 * encoded once and the headers are built once, whatever the number of clients.
 *
 * The clients are answered a hundred at a time. node:http finishes each
 * response in work it queues for later (process.nextTick); answering
 * thousands in one loop keeps all of that work, and every object it holds,
 * alive until the loop ends, long enough to be copied into V8's old
 * generation. Between slices that queued work runs, and nothing else does:
 * no other request or message is handled before the last client is answered.
 * `responses` is read across those slices: pass a collection nobody changes meanwhile.
 */
export async function replyJsonToAll(responses: Iterable<ServerResponse>, status: number, body: unknown, extraHeaders: Record<string, string> = {}): Promise<void> {
  const encoded = Buffer.from(JSON.stringify(body));
  const headers = { ...API_HEADERS, 'Content-Length': String(encoded.length), ...extraHeaders };
  let answeredInSlice = 0;
  for (const response of responses) {
    if (answeredInSlice === ANSWERS_PER_SLICE) {
      await queuedTicksDone();
      answeredInSlice = 0;
    }
    if (response.destroyed) continue; // the client left while we read the room
    response.writeHead(status, headers);
    response.end(encoded);
    answeredInSlice += 1;
  }
}

/** Resolves once Node has run every process.nextTick callback queued so far, and those they queue; no I/O runs first. */
function queuedTicksDone(): Promise<void> {
  return new Promise((resolve) => process.nextTick(resolve));
}
