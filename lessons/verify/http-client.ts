// The few HTTP calls the checkers make, with fetch, each bounded in time: a
// student's strategy that never answers must fail a check, not hang it.

import type { Accepted, MessagesPage, Stats } from '../../wire/types.ts';

/** The longest any single request of a checker may take before it counts as "no answer". */
export const NO_ANSWER_AFTER_MS = 3000;

export interface Answer<T> {
  status: number;
  body: T;
}

/** GET /api/<strategy>/messages[?since=]; undefined if nothing came back within `limitMs`. */
export async function receive(baseUrl: string, strategy: string, since?: string, limitMs = NO_ANSWER_AFTER_MS): Promise<Answer<MessagesPage> | undefined> {
  const query = since === undefined ? '' : `?since=${encodeURIComponent(since)}`;
  try {
    const response = await fetch(`${baseUrl}/api/${strategy}/messages${query}`, { signal: AbortSignal.timeout(limitMs) });
    return { status: response.status, body: (await response.json()) as MessagesPage };
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return undefined;
    throw error;
  }
}

export async function post(baseUrl: string, strategy: string, author: string, text: string): Promise<Answer<Accepted>> {
  const response = await fetch(`${baseUrl}/api/${strategy}/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ author, text }),
    signal: AbortSignal.timeout(NO_ANSWER_AFTER_MS),
  });
  return { status: response.status, body: (await response.json()) as Accepted };
}

export async function stats(baseUrl: string): Promise<Stats> {
  const response = await fetch(`${baseUrl}/api/stats`, { signal: AbortSignal.timeout(NO_ANSWER_AFTER_MS) });
  return (await response.json()) as Stats;
}

/** Check `condition` every few ms until it holds or `limitMs` has passed; says which. */
export async function becomesTrue(condition: () => Promise<boolean>, limitMs = NO_ANSWER_AFTER_MS): Promise<boolean> {
  const giveUpAt = Date.now() + limitMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > giveUpAt) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
