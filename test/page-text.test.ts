// The page's message catalog (web/i18n/): every key the HTML names has text in
// every language, and the Chinese table is a translation, not a copy of the
// English left behind. (That zh-CN has every key of en, with the same
// arguments, the compiler checks: zh-CN.ts is typed with en.ts's shape.)

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { en } from '../web/i18n/en.ts';
import { MESSAGES, strategyLabel, textAt } from '../web/i18n/messages.ts';
import { zhCN } from '../web/i18n/zh-CN.ts';
import { LANGUAGES } from '../wire/language.ts';

const WEB_FOLDER = fileURLToPath(new URL('../web/', import.meta.url));
/** Texts that are the same in both languages on purpose: names. */
const SAME_IN_EVERY_LANGUAGE = new Set(['strategies.sse.label', 'strategies.websocket.label', 'server.rooms.redis']);

/** Every string in a table, by its dotted path ("header.chat"). */
function stringsOf(table: object, prefix = ''): Map<string, string> {
  const found = new Map<string, string>();
  for (const [key, value] of Object.entries(table)) {
    if (typeof value === 'string') found.set(`${prefix}${key}`, value);
    else if (typeof value === 'object' && value !== null) for (const entry of stringsOf(value, `${prefix}${key}.`)) found.set(...entry);
  }
  return found;
}

/** The catalog keys the pages' markup names, in data-text and data-label. */
function keysInMarkup(): string[] {
  const pages = readdirSync(WEB_FOLDER).filter((name) => name.endsWith('.html'));
  const keys = pages.flatMap((page) => [...readFileSync(`${WEB_FOLDER}${page}`, 'utf8').matchAll(/data-(?:text|label)="([^"]+)"/g)].map((match) => match[1]));
  return [...new Set(keys)];
}

describe('the page text catalog', () => {
  it('has text in every language for every key the pages name', () => {
    const keys = keysInMarkup();
    expect(keys.length).toBeGreaterThan(15);
    for (const language of LANGUAGES) {
      for (const key of keys) expect(() => textAt(MESSAGES[language], key), `${language}: ${key}`).not.toThrow();
    }
  });

  it('says which key has no text', () => {
    expect(() => textAt(en, 'header.nowhere')).toThrow('the message catalog has no text at "header.nowhere"');
    expect(() => textAt(en, 'chat.switched')).toThrow(/no text at "chat.switched"/); // a function, not a text
  });

  it('has every Chinese text translated, not copied from the English', () => {
    const english = stringsOf(en);
    const copied = [...stringsOf(zhCN)].filter(([path, text]) => english.get(path) === text && !SAME_IN_EVERY_LANGUAGE.has(path)).map(([path]) => path);
    expect(copied).toEqual([]);
  });

  it('labels a strategy it does not know by its own name', () => {
    expect(strategyLabel(zhCN, 'short-poll')).toBe('短轮询');
    expect(strategyLabel(zhCN, 'carrier-pigeon')).toBe('carrier-pigeon');
    expect(strategyLabel(zhCN, 'constructor')).toBe('constructor');
  });
});
