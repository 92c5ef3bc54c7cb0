// The idle phase of a point: every client connected, no message posted.
// What waiting costs: the server's CPU, the requests it answers (short
// polling's empty polls, hold timeouts), the connections it holds, and the
// memory each held connection takes.

import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnectedPoint } from './connect-clients.ts';
import { PhaseMeter } from './phase-meter.ts';
import type { IdlePhase, PhaseCost } from './result-types.ts';

/** Below this many held connections, RSS per connection is mostly garbage-collector noise: not reported. */
const MIN_HELD_FOR_RSS_PER_CONNECTION = 1000;

export interface IdlePlan {
  seconds: number;
  /** The strategy whose held requests /api/stats counts. */
  speaks: string;
  /** Whether the strategy holds every waiting client, so each server should hold its share. */
  holds: boolean;
  redisPid?: number;
}

/** Measure `plan.seconds` of waiting; notes a server that held other than its share. */
export async function measureIdle(point: ConnectedPoint, plan: IdlePlan, notes: string[]): Promise<IdlePhase> {
  const meter = new PhaseMeter(point.servers, plan.speaks, point.clients, plan.redisPid);
  await meter.start();
  await sleep(plan.seconds * 1000);
  const cost = await meter.finish();
  if (plan.holds) notes.push(...heldElsewhereThanExpected(cost));
  const held = cost.heldConnections.last;
  const baseline = point.baselineRssBytes.reduce((total, bytes) => total + bytes, 0);
  return {
    ...cost,
    rssPerHeldConnectionBytes: held >= MIN_HELD_FOR_RSS_PER_CONNECTION && Number.isFinite(cost.rssBytes - baseline) ? (cost.rssBytes - baseline) / held : null,
  };
}

/**
 * The cross-check of a scale-out point's held connections: each server
 * should hold exactly its own share, counted by the strategy and seen as
 * sockets in /proc/net/tcp. A share missing from one server and found on
 * the other would mean the clients were not spread as the point says.
 */
function heldElsewhereThanExpected(cost: PhaseCost): string[] {
  const notes: string[] = [];
  for (const [index, server] of (cost.perServer ?? []).entries()) {
    if (server.heldConnections.last !== server.clients || server.establishedSockets < server.clients) {
      notes.push(
        `server ${index + 1} held ${server.heldConnections.last} requests and had ${server.establishedSockets} sockets for its ${server.clients} clients`,
      );
    }
  }
  return notes;
}
