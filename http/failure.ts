// The one place where a failure becomes an HTTP answer.
//
//   HttpError              its own status, sentence and headers
//   DraftError             400: the posted message is not acceptable (wire/draft.ts)
//   CursorError            400: the client's cursor is malformed or out of range
//   RoomUnavailableError   503 + Retry-After: the room's Redis is down; back off and retry
//   anything else          500, and logged: that one is our bug, not the client's
//
// Requests, refused upgrades and held requests answered together all go
// through answerFor, so a client sees the same status and headers for the
// same failure whichever way it came in.

import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { CursorError, RoomUnavailableError } from '../room/room.ts';
import { DraftError } from '../wire/draft.ts';
import type { ErrorBody } from '../wire/types.ts';
import { HttpError } from './http-error.ts';
import { API_HEADERS, replyJson, replyJsonToAll } from './reply.ts';

/** What a client told to back off after a room outage waits before it asks again; it adds its own jitter. */
const ROOM_RETRY_AFTER_SECONDS = 1;

export interface FailureAnswer {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
}

export function answerFor(error: unknown): FailureAnswer {
  if (error instanceof HttpError) return { status: error.status, body: { error: error.message }, headers: error.headers };
  if (error instanceof DraftError || error instanceof CursorError) return { status: 400, body: { error: error.message }, headers: {} };
  if (error instanceof RoomUnavailableError) {
    return { status: 503, body: { error: error.message }, headers: { 'Retry-After': String(ROOM_RETRY_AFTER_SECONDS) } };
  }
  console.error('unexpected error while answering a request:', error);
  return { status: 500, body: { error: 'internal error' }, headers: {} };
}

/** Answer a request that failed. */
export function replyFailure(response: ServerResponse, error: unknown): void {
  // The client is gone (it aborted while we read its body): there is nobody left to answer, and nothing went wrong here.
  if (response.destroyed) return;
  const { status, body, headers } = answerFor(error);
  // Too late for a clean answer once headers went out: cut the connection so the client sees the failure.
  if (response.headersSent) return void response.destroy();
  replyJson(response, status, body, headers);
}

/**
 * Refuse an HTTP upgrade (WebSocket) that failed before the handshake. The socket
 * has no ServerResponse, so the same answer is written as raw HTTP/1.1, then closed.
 */
export function refuseUpgrade(socket: Duplex, error: unknown): void {
  const { status, body, headers } = answerFor(error);
  if (socket.destroyed) return;
  const bytes = JSON.stringify(body);
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status]}`];
  for (const [name, value] of Object.entries({ ...API_HEADERS, ...headers, Connection: 'close', 'Content-Length': String(Buffer.byteLength(bytes)) })) {
    lines.push(`${name}: ${value}`);
  }
  socket.end(`${lines.join('\r\n')}\r\n\r\n${bytes}`);
}

/** Answer many held requests that failed together, as one read of the room served them all. */
export function replyFailureToAll(responses: Iterable<ServerResponse>, error: unknown): Promise<void> {
  const { status, body, headers } = answerFor(error);
  return replyJsonToAll(responses, status, body, headers);
}
