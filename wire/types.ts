// The wire format: what travels between the browser (or the bench) and the server.
// Both sides import these types and nothing else from each other.

/** One chat message as the room stores and every strategy delivers it. */
export interface Message {
  /** Assigned by the room; increases with every message. */
  id: string;
  author: string;
  text: string;
  /** When the server accepted the message, in epoch milliseconds. */
  ts: number;
}

/** What a client posts: a message before the room has given it an id and a time. */
export interface Draft {
  author: string;
  text: string;
}

/** The answer to GET /api/<strategy>/messages. */
export interface MessagesPage {
  /** Oldest first; empty when nothing new arrived before the hold ended. */
  messages: Message[];
  /** Send it back as ?since= to get what comes after these messages. Opaque to clients. */
  cursor: string;
  /** True when messages older than the cursor were dropped from history and are gone. */
  gap?: boolean;
}

/** The answer to POST /api/<strategy>/messages. */
export interface Accepted {
  id: string;
  ts: number;
}

/** Every error the API returns. */
export interface ErrorBody {
  error: string;
}

/** One strategy as GET /api/config describes it. */
export interface StrategyInfo {
  name: string;
  summary: string;
  [setting: string]: unknown;
}

/** The answer to GET /api/config. */
export interface Config {
  defaultStrategy: string;
  /** URLs where other machines can open the chat (the LAN addresses when the server listens on 0.0.0.0). */
  joinUrls: string[];
  strategies: StrategyInfo[];
}

/** Per-strategy counters in GET /api/stats. */
export interface StrategyStats {
  /** Requests handed to the strategy since the server started (a held one counts from when it arrived). */
  requestsServed: number;
  /** Requests the strategy is holding open right now. */
  held: number;
  /** Counters of a strategy's own work, e.g. long-poll-mtime's fileChecks (stat calls). */
  [counter: string]: number;
}

/** The answer to GET /api/stats. */
export interface Stats {
  uptimeSeconds: number;
  /** `health` only for a room kept in another service (Redis): whether it is reachable, and details. */
  room: { kind: string; messages: number; health?: { ok: boolean; [detail: string]: string | number | boolean } };
  process: { cpuSeconds: number; cpuUserSeconds: number; cpuSystemSeconds: number; rssBytes: number; pid: number };
  strategies: Record<string, StrategyStats>;
}
