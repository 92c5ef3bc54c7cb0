// The wire format of the two push strategies, on top of wire/types.ts.
// Browser transports and the bench import these; the strategies write them.

import type { Message } from './types.ts';

// ---- Server-Sent Events: GET /api/sse/events ----------------------------
//
// Each message is one event with no name ("message", which EventSource's
// onmessage receives): `id:` is the message id, `data:` the message as JSON.
// A reconnecting EventSource sends the last id back as Last-Event-ID and gets
// what it missed; a client may also open the stream with ?since=<cursor>.

/** The named event sent, before any message, when messages older than the client's place were dropped from history. */
export const SSE_GAP_EVENT = 'gap';

// ---- WebSocket: ws://<host>/api/websocket[?since=<cursor>] --------------

/** A frame the server sends. */
export type ServerFrame =
  | { type: 'message'; message: Message }
  /** Answers a "post" frame, like the 201 of POST /api/<strategy>/messages. */
  | { type: 'posted'; id: string; ts: number }
  /** Messages older than the client's place were dropped from history before the ones that follow. */
  | { type: 'gap' }
  /** A frame the server could not accept; the socket stays open. */
  | { type: 'error'; error: string };

/** A frame the client sends: a message to post, checked like a POST body. */
export interface PostFrame {
  type: 'post';
  author: string;
  text: string;
}
