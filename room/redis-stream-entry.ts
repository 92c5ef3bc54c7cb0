// The vocabulary of a Redis stream, as the Redis room uses it: entry ids
// (which are also the cursors clients carry) and entries (which are messages).
//
// A stream id is "<milliseconds>-<sequence>", given by Redis on XADD and
// always increasing within a stream. Clients treat it as opaque; the room
// compares ids to tell a cursor that is too old (a gap) or too new (never
// given out).

import type { Draft, Message } from '../wire/types.ts';

/** Either part of an id: more digits than this cannot be an id Redis gave out from a real clock. */
const MAX_ID_PART_DIGITS = 15;
const STREAM_ID = new RegExp(`^(\\d{1,${MAX_ID_PART_DIGITS}})(?:-(\\d{1,${MAX_ID_PART_DIGITS}}))?$`);

export interface StreamId {
  ms: number;
  seq: number;
}

export const STREAM_START: StreamId = { ms: 0, seq: 0 };

/** "1764000000000-3" -> {ms, seq}; a bare "1764000000000" (or "0") means sequence 0, as Redis reads it. */
export function parseStreamId(text: string): StreamId | undefined {
  const match = STREAM_ID.exec(text);
  if (!match) return undefined;
  return { ms: Number(match[1]), seq: Number(match[2] ?? 0) };
}

export function formatStreamId(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

/** Negative when a comes first, zero when equal, positive when a comes later. */
export function compareStreamIds(a: StreamId, b: StreamId): number {
  return a.ms !== b.ms ? a.ms - b.ms : a.seq - b.seq;
}

/** The XADD field list for a message: flat name, value pairs. */
export function entryFields(draft: Draft, ts: number): string[] {
  return ['author', draft.author, 'text', draft.text, 'ts', String(ts)];
}

/** A stream entry as XRANGE or XREAD return it: [id, [name, value, name, value, ...]]. */
export type StreamEntry = [id: string, fields: string[]];

/** The message an entry holds; undefined for an entry some other program wrote in another shape. */
export function entryToMessage([id, fields]: StreamEntry): Message | undefined {
  const values = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i], fields[i + 1]);
  const author = values.get('author');
  const text = values.get('text');
  const ts = Number(values.get('ts'));
  if (author === undefined || text === undefined || !Number.isFinite(ts)) return undefined;
  return { id, author, text, ts };
}

export function entriesToMessages(entries: StreamEntry[]): Message[] {
  const messages: Message[] = [];
  for (const entry of entries) {
    const message = entryToMessage(entry);
    if (message) messages.push(message);
  }
  return messages;
}
