// Every strategy's CPU per delivery beside the plain reference's: the
// event-driven long poll in one page of node:http (bench/reference/), run
// in the same bench run at the same numbers of clients. A strategy at 2×
// spends twice the reference's server CPU to deliver one message to one client.
// No Node imports: the report page is bundled with this file.

import type { PointResult } from './result-types.ts';

/** The name the plain reference is measured under (`--strategies ...,plain-reference`). */
export const PLAIN_REFERENCE = 'plain-reference';

/**
 * Fill in `chat.serverCpuPerDeliveryTimesReference` of every single-server
 * point, from the reference's point at the same number of clients. Runs
 * without a reference are left as they are.
 */
export function compareWithReference(points: PointResult[]): void {
  const references = new Map(points.filter((point) => point.strategy === PLAIN_REFERENCE).map((point) => [point.clients, point]));
  if (references.size === 0) return;
  for (const point of points) {
    if (!point.chat || (point.servers ?? 1) > 1) continue;
    const own = point.chat.serverCpuMicrosecondsPerDeliveredMessage;
    const reference = references.get(point.clients)?.chat?.serverCpuMicrosecondsPerDeliveredMessage;
    point.chat.serverCpuPerDeliveryTimesReference = isFigure(own) && isFigure(reference) && reference > 0 ? own / reference : null;
  }
}

function isFigure(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
