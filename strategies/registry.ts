// Every strategy the workbench knows, in the order the course teaches them.
// The shell and the CLI know strategies only through this list: adding a
// strategy is writing its file and adding one line here.

import { longPoll } from './long-poll.ts';
import { longPollMtime } from './long-poll-mtime.ts';
import { shortPoll } from './short-poll.ts';
import { sse } from './sse.ts';
import type { Strategy } from './strategy.ts';
import { websocket } from './websocket.ts';

export const strategies: readonly Strategy[] = [shortPoll, longPollMtime, longPoll, sse, websocket];

export const DEFAULT_STRATEGY = longPoll.name;

/** Every strategy option with its default value, keyed by the camelCase of its flag. */
export function defaultSettings(): Record<string, number> {
  const settings: Record<string, number> = {};
  for (const strategy of strategies) {
    for (const option of strategy.options) settings[camelCase(option.flag)] = option.default;
  }
  return settings;
}

/** "poll-interval" -> "pollInterval", as yargs names parsed flags. */
export function camelCase(flag: string): string {
  return flag.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}
