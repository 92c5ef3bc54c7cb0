// Writing JSON answers. API answers are never cached and never sniffed as HTML.
//
// The body goes to node:http as a string, not a Buffer: node:http then joins
// it to the status line and headers into one chunk. A Buffer body would travel
// as a chunk of its own beside the headers, one more piece of work per answer,
// and a long poll sends an answer for every message to every waiting client.

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

/**
 * Send the same JSON answer to many clients: the body is serialized once and
 * the headers are built once, whatever the number of clients.
 */
export function replyJsonToAll(responses: Iterable<ServerResponse>, status: number, body: unknown, extraHeaders: Record<string, string> = {}): void {
  const json = JSON.stringify(body);
  const headers = { ...API_HEADERS, 'Content-Length': String(Buffer.byteLength(json)), ...extraHeaders };
  for (const response of responses) {
    if (response.destroyed) continue; // the client left while we read the room
    response.writeHead(status, headers);
    response.end(json);
  }
}
