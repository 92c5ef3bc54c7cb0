// One point of the bench: one strategy, one number of clients, on a fresh
// server process (or, for a scale-out point, several fresh servers sharing a
// fresh Redis room, with the clients spread evenly over them; or the server
// at --url, as it is).
//
//   open target -> connect N clients -> idle phase -> chat phase -> stop
//   (point-target)  (connect-clients:     (idle-phase:     (chat-phase: warm-up,
//                    all connected         no messages,     one publisher at R/s,
//                    and held)             what waiting     then drain)
//                                          costs)

import { clientProtocols } from './clients/registry.ts';
import type { RunningClients } from './clients/client-protocol.ts';
import { shareClients } from './clients/spread-clients.ts';
import { measureChat } from './chat-phase.ts';
import { connectClients, type ConnectedPoint } from './connect-clients.ts';
import { measureIdle } from './idle-phase.ts';
import { openTarget, type PointTarget } from './point-target.ts';
import * as proc from './proc-readings.ts';
import { redisServerVersion } from './redis-server.ts';
import type { PointResult } from './result-types.ts';
import { PLAIN_REFERENCE } from './versus-reference.ts';

/** File descriptors the bench needs besides one per client (stdio, publisher, stats, node itself). */
const SPARE_FILE_DESCRIPTORS = 100;

export interface PointPlan {
  /** A workbench strategy, or "plain-reference". */
  strategy: string;
  clients: number;
  /** 1: one server on its memory room; more: that many servers sharing a private Redis room. */
  servers: number;
  /** 0 skips the phase. */
  idleSeconds: number;
  chatSeconds: number;
  messagesPerSecond: number;
  serverArguments: string[];
  /** taskset CPU list for the server, or null to leave it unpinned. */
  serverCpus: string | null;
  /** Flags for the server's node (e.g. --cpu-prof). */
  serverNodeArguments?: string[];
  /** Measure the server at this URL instead of starting one (its process: `pid`, or found from its port). */
  url?: string;
  pid?: number;
}

export async function measurePoint(plan: PointPlan, onPhase: (phase: string) => void): Promise<PointResult> {
  const result = emptyResult(plan);
  const unmeasurable = await whyNotMeasurable(plan);
  if (unmeasurable) return notReached(result, unmeasurable);

  onPhase(plan.url ? `attaching to ${plan.url}` : plan.servers > 1 ? `starting redis-server and ${plan.servers} servers` : 'starting server');
  const target = await openTarget(plan);
  recordTarget(result, target);
  let clients: RunningClients | undefined;
  try {
    const protocol = clientProtocols[target.speaks];
    if (!protocol) return notReached(result, `the bench has no simulated client for strategy "${target.speaks}" (see bench/clients/registry.ts)`);
    const tooFewFiles = await serverFileLimitTooLow(target, plan.clients);
    if (tooFewFiles) return notReached(result, tooFewFiles);

    onPhase('connecting');
    const point = await connectClients(plan, target, protocol, result.notes);
    clients = point.clients;
    if (plan.idleSeconds > 0) {
      onPhase('idle');
      result.idle = await measureIdle(point, { seconds: plan.idleSeconds, speaks: target.speaks, holds: protocol.holds, redisPid: target.redis?.pid }, result.notes);
    }
    if (plan.chatSeconds > 0) {
      const chatPlan = { seconds: plan.chatSeconds, messagesPerSecond: plan.messagesPerSecond, clients: plan.clients, speaks: target.speaks, redisPid: target.redis?.pid };
      result.chat = await measureChat(point, chatPlan, result.notes, onPhase);
    }
    noteLoadGeneratorLimit(result);
    await recordServerMemory(result, target, point);
    return result;
  } catch (error) {
    // If a server died, that is the story, not the error a client saw because of it.
    throw new Error(target.unexpectedExit() ?? (error as Error).message);
  } finally {
    await clients?.stop();
    await target.stop();
  }
}

function emptyResult(plan: PointPlan): PointResult {
  return {
    strategy: plan.strategy,
    clients: plan.clients,
    servers: plan.servers,
    room: plan.servers > 1 ? 'redis' : 'memory',
    reached: true,
    notes: [],
    server: { startupMs: NaN, baselineRssBytes: NaN, peakRssBytes: NaN },
    repeats: 1,
  };
}

/** Why this point cannot be measured on this machine, before anything is started; undefined if it can. */
async function whyNotMeasurable(plan: PointPlan): Promise<string | undefined> {
  const ownLimit = await proc.openFilesLimit();
  if (ownLimit !== null && plan.clients + SPARE_FILE_DESCRIPTORS > ownLimit) {
    return `${plan.clients} clients need more open files than the bench may have (${ownLimit}): raise the hard limit (ulimit -Hn)`;
  }
  if (plan.strategy === PLAIN_REFERENCE && plan.servers > 1) {
    return 'the plain reference keeps its messages in its own process: several of it cannot share a room';
  }
  if (plan.servers > 1 && redisServerVersion() === null) {
    // The bench's way to report a point it cannot measure; the rest of the run goes on.
    return 'could not be reached: redis-server not installed (apt-get install -y redis-server)';
  }
  return undefined;
}

/** What the result says about where its clients went: scale-out placement, the reference's contract, a --url server. */
function recordTarget(result: PointResult, target: PointTarget): void {
  if (target.speaks !== result.strategy) result.speaks = target.speaks;
  if (target.placement) result.scaleOut = { ...target.placement, clientsPerServer: shareClients(result.clients, target.servers.length) };
  if (target.attached) {
    const { unwatched, ...attached } = target.attached;
    result.target = attached;
    result.notes.push(`the server at ${attached.url} was started outside the bench: not fresh for this point, and not pinned by the bench`);
    if (unwatched) result.notes.push(unwatched);
  }
  result.server.startupMs = Math.max(...target.servers.map((server) => server.startupMs));
}

/** Why a server may not hold its share of the clients, if its open-file limit is too low. */
async function serverFileLimitTooLow(target: PointTarget, clients: number): Promise<string | undefined> {
  const share = Math.ceil(clients / target.servers.length);
  for (const server of target.servers) {
    if (server.pid === null) continue;
    const limit = await proc.openFilesLimit(server.pid);
    if (limit !== null && share + SPARE_FILE_DESCRIPTORS > limit) return `the server may open only ${limit} files, too few for ${share} clients`;
  }
  return undefined;
}

function noteLoadGeneratorLimit(result: PointResult): void {
  const busy = [result.idle, result.chat].find((phase) => phase?.loadGeneratorWasTheLimit);
  if (busy) result.notes.push(`the bench used ${busy.benchCpuPercentOfCore.toFixed(0)}% of its core: the load generator, not the server, may have been the limit`);
}

/** Memory before any client and at its peak, summed over the servers (each one's own beside it when there are several). */
async function recordServerMemory(result: PointResult, target: PointTarget, point: ConnectedPoint): Promise<void> {
  const peaks = await Promise.all(target.servers.map(async (server) => (server.pid === null ? NaN : (await proc.memory(server.pid)).peakRssBytes)));
  result.server.baselineRssBytes = sum(point.baselineRssBytes);
  result.server.peakRssBytes = sum(peaks);
  if (target.servers.length > 1) {
    result.server.perServer = target.servers.map((server, index) => ({
      startupMs: server.startupMs,
      baselineRssBytes: point.baselineRssBytes[index],
      peakRssBytes: peaks[index],
    }));
  }
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function notReached(result: PointResult, why: string): PointResult {
  result.reached = false;
  result.notes.push(why);
  return result;
}
