// The vocabulary of a Redis stream, as the Redis room uses it: entry ids
// (which are also the cursors clients carry), entries (which are messages),
// and the replies of XRANGE and XINFO STREAM that carry them.
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

/** What XINFO STREAM says of a stream. */
export interface StreamInfo {
  length: number;
  firstKept: StreamId;
  lastGenerated: StreamId;
  /** Whether MAXLEN ~ has dropped entries (more were ever added than are kept). */
  trimmed: boolean;
}

/** One reply of a pipeline, as ioredis gives it, or undefined when the pipeline ran no command. */
export type PipelineReply = [error: Error | null, result: unknown] | undefined;

/** XRANGE's entries, or its error thrown. */
export function rangeReply(reply: PipelineReply): StreamEntry[] {
  if (!reply) throw new Error('no reply to XRANGE');
  if (reply[0]) throw reply[0];
  return reply[1] as StreamEntry[];
}

/** XINFO STREAM answers a flat [name, value, ...] list; "no such key" means nothing was ever posted. */
export function infoReply(reply: PipelineReply): StreamInfo {
  if (!reply) throw new Error('no reply to XINFO STREAM');
  const [error, result] = reply;
  if (error) {
    if (/no such key/i.test(error.message)) return { length: 0, firstKept: STREAM_START, lastGenerated: STREAM_START, trimmed: false };
    throw error;
  }
  const fields = result as unknown[];
  const values = new Map<string, unknown>();
  for (let i = 0; i + 1 < fields.length; i += 2) values.set(String(fields[i]), fields[i + 1]);
  const length = Number(values.get('length') ?? 0);
  const firstEntry = values.get('first-entry') as StreamEntry | null | undefined;
  return {
    length,
    firstKept: (firstEntry && parseStreamId(firstEntry[0])) || STREAM_START,
    lastGenerated: parseStreamId(String(values.get('last-generated-id'))) ?? STREAM_START,
    // Redis before 7.0 does not count entries added: no gap can be seen there.
    trimmed: Number(values.get('entries-added') ?? length) > length,
  };
}
