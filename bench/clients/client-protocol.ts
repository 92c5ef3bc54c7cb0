// What a simulated client of one protocol offers the bench. Each protocol is
// one file in bench/clients/, listed in registry.ts.

import type { Message } from '../../wire/types.ts';

export interface ClientsOptions {
  /** The server, e.g. http://127.0.0.1:41234. */
  url: string;
  strategy: string;
  clients: number;
  /** Every client starts from this cursor, so every client should receive every message published after it. */
  startCursor: string;
  /** The strategy's entry in GET /api/config (pollIntervalMs, holdTimeoutMs, ...). */
  settings: Record<string, unknown>;
  /** A request unanswered for this long counts as a timeout. */
  timeoutSeconds: number;
  /** Called for every answer that carried messages; `client` is 0..clients-1. */
  onMessages(client: number, messages: Message[], receivedAtMs: number): void;
}

/** Counters since the clients started. */
export interface Traffic {
  responses: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  bytesReceived: number;
}

export interface RunningClients {
  traffic(): Traffic;
  /** Close every connection; resolves once they are closed. */
  stop(): Promise<void>;
}

export interface ClientProtocol {
  /** Whether the server holds a waiting client's request, so held connections should reach the number of clients. */
  holds: boolean;
  start(options: ClientsOptions): RunningClients;
}
