// The message catalog: one table per language (en.ts, zh-CN.ts), and the
// look-ups the page makes in it by a name that comes from elsewhere: a
// strategy or a setting named by /api/config, a key written in the HTML.
// Plain data and functions, no DOM: a test reads it from Node too.

import type { Language } from '../../wire/language.ts';
import type { StrategyInfo } from '../../wire/types.ts';
import { en, type Messages } from './en.ts';
import { zhCN } from './zh-CN.ts';

export type { Messages };

export const MESSAGES: Record<Language, Messages> = { en, 'zh-CN': zhCN };

/** A strategy's name as the page shows it; a strategy the catalog does not know keeps its own name. */
export function strategyLabel(messages: Messages, name: string): string {
  return entryOf(messages.strategies, name)?.label ?? name;
}

/** What a strategy does, in a sentence; for one the catalog does not know, the server's own summary. */
export function strategySummary(messages: Messages, info: StrategyInfo): string {
  return entryOf(messages.strategies, info.name)?.summary ?? info.summary;
}

/** A setting's name ("pollIntervalMs" -> "poll interval"); one the catalog does not know is spelt out from its key. */
export function settingName(messages: Messages, key: string): string {
  return entryOf(messages.settings, key) ?? key.replace(/Ms$/, '').replace(/[A-Z]/g, (letter) => ' ' + letter.toLowerCase());
}

/** The kind of room /api/stats reports ("memory", "redis"), in words; an unknown kind as it is. */
export function roomName(messages: Messages, kind: string): string {
  return entryOf(messages.server.rooms, kind) ?? kind;
}

/** The text at a dotted path ("header.chat"), as the HTML names it in data-text; throws if the path leads to no text. */
export function textAt(messages: Messages, path: string): string {
  let here: unknown = messages;
  for (const step of path.split('.')) {
    here = typeof here === 'object' && here !== null && Object.hasOwn(here, step) ? (here as Record<string, unknown>)[step] : undefined;
  }
  if (typeof here !== 'string') throw new Error(`the message catalog has no text at "${path}"`);
  return here;
}

/** An entry of a table keyed by names from outside (never one of Object's own properties, like "constructor"). */
function entryOf<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
