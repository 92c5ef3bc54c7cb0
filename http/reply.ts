// Writing JSON answers. API answers are never cached and never sniffed as HTML.

import type { ServerResponse } from 'node:http';

/** Headers every API answer carries. */
export const API_HEADERS = {
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
} as const;

/** Send `body` as JSON. Pass a Buffer to send bytes serialized once for many clients. */
export function replyJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): void {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  response.writeHead(status, { ...API_HEADERS, 'Content-Length': String(bytes.length), ...extraHeaders });
  response.end(bytes);
}

/**
 * Send the same JSON answer to many clients: the body is serialized once and
 * the headers are built once, whatever the number of clients.
 */
export function replyJsonToAll(
  responses: Iterable<ServerResponse>,
  status: number,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): void {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  const headers = { ...API_HEADERS, 'Content-Length': String(bytes.length), ...extraHeaders };
  for (const response of responses) {
    if (response.destroyed) continue; // the client left while we read the room
    response.writeHead(status, headers);
    response.end(bytes);
  }
}
