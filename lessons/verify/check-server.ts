// What the checkers of lessons 3, 4 and 8 share: a real server with the
// student's strategy mounted alone on a free port, requests a check can leave
// waiting and then abandon like a client that goes away, and checks that
// fail with a hint instead of crashing when the student's code throws.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Room } from '../../room/room.ts';
import { startShell, type RunningShell } from '../../shell/shell.ts';
import type { Strategy } from '../../strategies/strategy.ts';
import { say } from '../language.ts';
import { NO_ANSWER_AFTER_MS, stats } from './http-client.ts';
import type { CheckOutcome } from './outcome.ts';

export interface CheckServerOptions {
  /** Strategy options by camelCase name (mtimeCheckMs, holdTimeout, ...). */
  settings?: Record<string, number>;
  /** The server-wide limit on held requests. */
  maxHeld?: number;
  /** The room to serve; by default an in-memory room kept in the server's temporary data folder. */
  room?: Room;
}

/** Start a server that mounts `strategy` alone, hand it to `use`, then close it and remove its data folder. */
export async function withCheckServer<T>(strategy: Strategy, options: CheckServerOptions, use: (shell: RunningShell) => Promise<T>): Promise<T> {
  const dataDir = await mkdtemp(join(tmpdir(), `pollbench-check-${strategy.name}-`));
  try {
    const shell = await startShell({
      port: 0,
      dataDir,
      strategies: [strategy],
      defaultStrategy: strategy.name,
      staticMounts: [],
      settings: options.settings,
      maxHeld: options.maxHeld,
      room: options.room,
    });
    try {
      return await use(shell);
    } finally {
      await shell.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The strategy a student's file exports under `exportName`, if it looks like one. */
export function exportedStrategy(module: Record<string, unknown>, exportName: string): Strategy | undefined {
  const value = module[exportName] as Strategy | undefined;
  return typeof value === 'object' && value !== null && typeof value.start === 'function' && typeof value.name === 'string' ? value : undefined;
}

/** Run one check; if the student's code makes it throw, that is a failed check with the error, not a crash of verify. */
export async function guarded(check: string, run: () => Promise<CheckOutcome>): Promise<CheckOutcome> {
  try {
    return await run();
  } catch (error) {
    return { check, passed: false, hint: say(`the check stopped on an error: ${describeError(error)}`, `检查因错误而中止：${describeError(error)}`) };
  }
}

/** The outcome verify reports when the server would not even start with the student's strategy. */
export function didNotStart(error: unknown): CheckOutcome {
  return {
    check: say('a server starts with your strategy', '服务器能用你的策略启动'),
    passed: false,
    hint: say(`starting it threw: ${describeError(error)}\nLook at the constructor of your strategy's class.`, `启动时抛出了错误：${describeError(error)}\n看看你的策略类的构造函数。`),
  };
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What a request got back: its status and its JSON body (whatever the strategy sent). */
export interface Reply {
  status: number;
  body: { messages?: { id: string; text: string }[]; cursor?: string; error?: unknown };
}

/**
 * A GET the check can leave waiting, then abandon, as a client that goes
 * away would (the connection is closed). `reply` never rejects: it resolves
 * to the answer, or to undefined if there was none within `limitMs` or the
 * request was abandoned first.
 */
export class OpenRequest {
  readonly reply: Promise<Reply | undefined>;
  private readonly abandon = new AbortController();
  private answered = false;

  constructor(url: string, headers: Record<string, string> = {}, limitMs = NO_ANSWER_AFTER_MS) {
    const signal = AbortSignal.any([this.abandon.signal, AbortSignal.timeout(limitMs)]);
    this.reply = fetch(url, { headers, signal })
      .then(async (response) => ({ status: response.status, body: (await response.json()) as Reply['body'] }))
      .then(
        (reply) => {
          this.answered = true;
          return reply;
        },
        () => undefined, // abandoned, timed out, or not JSON: no answer a client could use
      );
  }

  /** Whether an answer has come back already. */
  get hasAnswer(): boolean {
    return this.answered;
  }

  /** Close the connection, as a closed tab or a lost network would. */
  leave(): void {
    this.abandon.abort();
  }
}

/** GET /api/<strategy>/messages[?since=], as an OpenRequest. */
export function askForMessages(baseUrl: string, strategy: string, since?: string, limitMs = NO_ANSWER_AFTER_MS): OpenRequest {
  const query = since === undefined ? '' : `?since=${encodeURIComponent(since)}`;
  return new OpenRequest(`${baseUrl}/api/${strategy}/messages${query}`, {}, limitMs);
}

/** The strategy's line of /api/stats: held requests and its own counters. */
export async function strategyStats(baseUrl: string, strategy: string): Promise<Record<string, number>> {
  return (await stats(baseUrl)).strategies[strategy] ?? {};
}

export function judge(check: string, passed: boolean, hint: string): CheckOutcome {
  return passed ? { check, passed } : { check, passed, hint };
}

/** "a, b, c" of message texts, for a hint; "nothing" for none. */
export function listed(texts: string[]): string {
  return texts.length === 0 ? say('nothing', '无') : texts.map((text) => JSON.stringify(text)).join(', ');
}

/** What is wrong with `got` compared with `expected`: repeated, missing, or out of order; '' if they are the same. */
export function compareDeliveries(got: string[], expected: string[]): string {
  if (got.length === expected.length && got.every((text, index) => text === expected[index])) return '';
  const twice = expected.filter((text) => got.filter((seen) => seen === text).length > 1);
  const missing = expected.filter((text) => !got.includes(text));
  const problems = [];
  if (twice.length > 0) problems.push(say(`more than once: ${listed(twice)}`, `重复收到：${listed(twice)}`));
  if (missing.length > 0) problems.push(say(`never: ${listed(missing)}`, `从未收到：${listed(missing)}`));
  return problems.length > 0 ? problems.join(say('; ', '；')) : say('out of order', '顺序错乱');
}
