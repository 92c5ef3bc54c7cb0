// The one publisher of a chat phase: posts messages at a steady rate, each
// carrying its sequence number and the time it was sent.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Accepted } from '../wire/types.ts';
import { benchClockMs, measuredText } from './delivery-log.ts';
import { requestJson } from './plain-http.ts';

export interface PublishPlan {
  url: string;
  strategy: string;
  author: string;
  count: number;
  perSecond: number;
  /** Called once the server has accepted message `sequence`. */
  onPublished?(sequence: number): void;
}

/**
 * Post `count` messages, `1/perSecond` apart on a fixed schedule. A slow
 * answer delays the next post (one post at a time, as one person typing),
 * but the schedule does not drift.
 */
export async function publish(plan: PublishPlan): Promise<void> {
  const intervalMs = 1000 / plan.perSecond;
  const startedAt = performance.now();
  for (let sequence = 0; sequence < plan.count; sequence++) {
    const due = startedAt + sequence * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const draft = { author: plan.author, text: measuredText(sequence, benchClockMs()) };
    const { status, body } = await requestJson<Accepted>('POST', `${plan.url}/api/${plan.strategy}/messages`, draft);
    if (status !== 201) throw new Error(`posting message ${sequence} got ${status}: ${JSON.stringify(body)}`);
    plan.onPublished?.(sequence);
  }
}
