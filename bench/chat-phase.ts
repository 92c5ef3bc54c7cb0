// The chat phase of a point: a few warm-up messages (not counted), then one
// publisher at a steady rate, each message carrying the time it was sent;
// then a short wait for stragglers. What a message costs: who received it,
// how late, and the server's CPU per delivery.

import type { ConnectedPoint } from './connect-clients.ts';
import { DeliveryLog, MEASURED_AUTHOR } from './delivery-log.ts';
import { PhaseMeter } from './phase-meter.ts';
import { publish } from './publisher.ts';
import type { ChatPhase } from './result-types.ts';
import { waitFor } from './wait-for.ts';

/** Messages posted before measuring, so the server's hot path is compiled when it counts. */
const WARM_UP_MESSAGES = 3;
const WARM_UP_AUTHOR = 'bench-warm-up';
/** A publisher below this share of its asked rate is reported: the server was slow to accept posts. */
const RATE_SHORTFALL = 0.9;

export interface ChatPlan {
  seconds: number;
  messagesPerSecond: number;
  clients: number;
  /** The strategy whose paths the publisher posts to, and whose held requests /api/stats counts. */
  speaks: string;
  redisPid?: number;
}

export async function measureChat(point: ConnectedPoint, plan: ChatPlan, notes: string[], onPhase: (phase: string) => void): Promise<ChatPhase> {
  onPhase('warm-up');
  await warmUp(point, plan);

  onPhase('chat');
  const planned = Math.max(1, Math.round(plan.seconds * plan.messagesPerSecond));
  const deliveries = new DeliveryLog(plan.clients, planned);
  point.recordInto(deliveries);
  const meter = new PhaseMeter(point.servers, plan.speaks, point.clients, plan.redisPid);
  await meter.start();
  const publishStartedAt = performance.now();
  await publish({
    url: point.postTo,
    strategy: plan.speaks,
    author: MEASURED_AUTHOR,
    count: planned,
    perSecond: plan.messagesPerSecond,
    onPublished: (sequence) => deliveries.notePublished(sequence),
  });
  const publishSeconds = (performance.now() - publishStartedAt) / 1000;
  // n messages 1/rate apart span (n - 1)/rate seconds, plus the last post's own time.
  const messagesPerSecondAchieved = planned > 1 ? (planned - 1) / publishSeconds : plan.messagesPerSecond;
  if (messagesPerSecondAchieved < RATE_SHORTFALL * plan.messagesPerSecond) {
    notes.push(`the publisher reached ${messagesPerSecondAchieved.toFixed(2)} of ${plan.messagesPerSecond} messages/s: the server took that long to accept each post`);
  }
  const drained = await waitFor(() => deliveries.complete(), point.drainLimitMs);
  const cost = await meter.finish();
  const delivered = deliveries.summary();
  if (!drained) notes.push(`${delivered.lost} deliveries had not arrived ${point.drainLimitMs} ms after the last message: counted as lost`);

  const chat: ChatPhase = {
    ...cost,
    messagesPerSecond: plan.messagesPerSecond,
    messagesPerSecondAchieved,
    ...delivered,
    serverCpuMicrosecondsPerDeliveredMessage: delivered.deliveriesReceived > 0 && Number.isFinite(cost.serverCpuSeconds) ? (cost.serverCpuSeconds * 1e6) / delivered.deliveriesReceived : null,
  };
  if (cost.redis) {
    chat.redisCpuMicrosecondsPerPublishedMessage = delivered.messagesPublished > 0 ? (cost.redis.cpuSeconds * 1e6) / delivered.messagesPublished : null;
  }
  return chat;
}

/** Post a few messages and let their deliveries finish, so they are not billed to the measured phase. */
async function warmUp(point: ConnectedPoint, plan: ChatPlan): Promise<void> {
  const warmUp = new DeliveryLog(plan.clients, WARM_UP_MESSAGES, WARM_UP_AUTHOR);
  point.recordInto(warmUp);
  await publish({
    url: point.postTo,
    strategy: plan.speaks,
    author: WARM_UP_AUTHOR,
    count: WARM_UP_MESSAGES,
    perSecond: plan.messagesPerSecond,
    onPublished: (sequence) => warmUp.notePublished(sequence),
  });
  await waitFor(() => warmUp.complete(), point.drainLimitMs);
}
