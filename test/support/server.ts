// Start a real workbench server on a free port, with its own data folder,
// and talk to it over real HTTP, as any client would.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startShell, type RunningShell, type ShellOptions } from '../../shell/shell.ts';
import type { Accepted, Draft, MessagesPage, Stats } from '../../wire/types.ts';

export interface TestServer extends RunningShell {
  dataDir: string;
  /** Close the server and remove its data folder. */
  stop(): Promise<void>;
}

export async function startTestServer(options: ShellOptions = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pollbench-test-'));
  const shell = await startShell({ port: 0, dataDir, ...options });
  let stopped = false;
  return {
    ...shell,
    dataDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await shell.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}

async function answer<T>(response: Response): Promise<Answer<T>> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function getJson<T>(url: string, init: RequestInit = {}): Promise<Answer<T>> {
  return answer<T>(await fetch(url, init));
}

export function messagesUrl(server: { url: string }, strategy: string, since?: string): string {
  const query = since === undefined ? '' : `?since=${encodeURIComponent(since)}`;
  return `${server.url}/api/${strategy}/messages${query}`;
}

/** GET the strategy's messages; held strategies may take a while to answer. */
export function receive(server: { url: string }, strategy: string, since?: string, signal?: AbortSignal) {
  return getJson<MessagesPage>(messagesUrl(server, strategy, since), { signal });
}

export function post(server: { url: string }, strategy: string, draft: Draft | unknown) {
  return getJson<Accepted>(messagesUrl(server, strategy), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(draft),
  });
}

export async function stats(server: { url: string }): Promise<Stats> {
  return (await getJson<Stats>(`${server.url}/api/stats`)).body;
}

/** Wait until `condition` holds, checking every few ms; fail with `what` if it never does. */
export async function eventually(condition: () => Promise<boolean> | boolean, what: string, limitMs = 10_000): Promise<void> {
  const giveUpAt = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > giveUpAt) throw new Error(`gave up waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Wait until the strategy holds exactly `count` requests. */
export function heldBecomes(server: { url: string }, strategy: string, count: number): Promise<void> {
  return eventually(async () => (await stats(server)).strategies[strategy].held === count, `${strategy} holds ${count} requests`);
}

/**
 * Follow a strategy's protocol like a client: GET, take the messages, send the
 * cursor back, until `count` messages have arrived.
 */
export async function collect(server: { url: string }, strategy: string, since: string, count: number) {
  const received: MessagesPage['messages'] = [];
  let cursor = since;
  while (received.length < count) {
    const { status, body } = await receive(server, strategy, cursor);
    if (status !== 200) throw new Error(`GET answered ${status}: ${JSON.stringify(body)}`);
    received.push(...body.messages);
    cursor = body.cursor;
  }
  return received;
}
