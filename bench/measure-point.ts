// One point of the bench: one strategy, one number of clients, on a fresh
// server process (or, for a scale-out point, several fresh servers sharing a
// fresh Redis room, with the clients spread evenly over them).
//
//   start server(s) -> connect N clients -> idle phase -> chat phase -> stop
//                      (wait until all        (no messages:    (warm-up, then one
//                       are connected          what waiting     publisher at R/s,
//                       and held)              costs)           then drain)

import { setTimeout as sleep } from 'node:timers/promises';
import type { Config, MessagesPage } from '../wire/types.ts';
import { clientProtocols } from './clients/registry.ts';
import type { RunningClients, Traffic } from './clients/client-protocol.ts';
import { shareClients, startSpreadClients } from './clients/spread-clients.ts';
import { DeliveryLog, MEASURED_AUTHOR } from './delivery-log.ts';
import { heldNow, PhaseMeter, type MeteredServer } from './phase-meter.ts';
import { requestJson } from './plain-http.ts';
import * as proc from './proc-readings.ts';
import { publish } from './publisher.ts';
import { redisServerVersion } from './redis-server.ts';
import type { ChatPhase, IdlePhase, PhaseCost, PointResult } from './result-types.ts';
import { PUBLISHER_SERVER, startServerGroup } from './server-group.ts';

/** File descriptors the bench needs besides one per client (stdio, publisher, stats, node itself). */
const SPARE_FILE_DESCRIPTORS = 100;
/** How long clients get to connect (and be held): a base, plus a little per client. */
const CONNECT_BASE_MS = 10_000;
const CONNECT_PER_CLIENT_MS = 2;
/** Messages posted before measuring, so the server's hot path is compiled when it counts. */
const WARM_UP_MESSAGES = 3;
const WARM_UP_AUTHOR = 'bench-warm-up';
/**
 * After the last message, how long stragglers may take to arrive before they
 * count as lost: this, plus the strategy's poll interval if it has one.
 */
const DRAIN_BASE_MS = 1_500;
const CHECK_EVERY_MS = 50;
/** Below this many held connections, RSS per connection is mostly garbage-collector noise: not reported. */
const MIN_HELD_FOR_RSS_PER_CONNECTION = 1000;
/** A publisher below this share of its asked rate is reported: the server was slow to accept posts. */
const RATE_SHORTFALL = 0.9;

export interface PointPlan {
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
}

export async function measurePoint(plan: PointPlan, onPhase: (phase: string) => void): Promise<PointResult> {
  const protocol = clientProtocols[plan.strategy];
  if (!protocol) throw new Error(`the bench has no simulated client for strategy "${plan.strategy}" (see bench/clients/registry.ts)`);
  const result: PointResult = {
    strategy: plan.strategy,
    clients: plan.clients,
    servers: plan.servers,
    room: plan.servers > 1 ? 'redis' : 'memory',
    reached: true,
    notes: [],
    server: { startupMs: NaN, baselineRssBytes: NaN, peakRssBytes: NaN },
    repeats: 1,
  };
  const ownLimit = await proc.openFilesLimit();
  if (ownLimit !== null && plan.clients + SPARE_FILE_DESCRIPTORS > ownLimit) {
    return notReached(result, `${plan.clients} clients need more open files than the bench may have (${ownLimit}): raise the hard limit (ulimit -Hn)`);
  }

  if (plan.servers > 1 && redisServerVersion() === null) {
    // The bench's way to report a point it cannot measure; the rest of the run goes on.
    return notReached(result, 'could not be reached: redis-server not installed (apt-get install -y redis-server)');
  }

  onPhase(plan.servers > 1 ? `starting redis-server and ${plan.servers} servers` : 'starting server');
  const group = await startServerGroup({
    servers: plan.servers,
    serverArguments: [...plan.serverArguments, '--strategy', plan.strategy],
    serverCpus: plan.serverCpus,
    serverNodeArguments: plan.serverNodeArguments,
  });
  const shares = shareClients(plan.clients, plan.servers);
  const servers: MeteredServer[] = group.servers.map((server, index) => ({
    url: server.url,
    pid: server.pid,
    port: server.port,
    clients: shares[index],
    takesPosts: index === PUBLISHER_SERVER,
  }));
  const postTo = servers[PUBLISHER_SERVER].url;
  if (group.placement) result.scaleOut = { ...group.placement, clientsPerServer: shares };
  let clients: RunningClients | undefined;
  try {
    for (const server of servers) {
      const serverLimit = await proc.openFilesLimit(server.pid);
      if (serverLimit !== null && server.clients + SPARE_FILE_DESCRIPTORS > serverLimit) {
        return notReached(result, `the server may open only ${serverLimit} files, too few for ${server.clients} clients`);
      }
    }
    const settings = await strategySettings(postTo, plan.strategy);
    // One cursor for every client: with a Redis room it is a stream id, good on any server.
    const startCursor = (await getJson<MessagesPage>(`${postTo}/api/${plan.strategy}/messages`)).cursor;
    const baselines = await Promise.all(servers.map(async (server) => (await proc.memory(server.pid)).rssBytes));
    result.server.startupMs = Math.max(...group.servers.map((server) => server.startupMs));
    result.server.baselineRssBytes = sum(baselines);

    const drainLimitMs = DRAIN_BASE_MS + Number(settings.pollIntervalMs ?? 0);
    let log: DeliveryLog | undefined;
    onPhase('connecting');
    clients = startSpreadClients(
      protocol,
      servers.map((server) => server.url),
      shares,
      {
        url: postTo,
        strategy: plan.strategy,
        clients: plan.clients,
        startCursor,
        settings,
        timeoutSeconds: clientTimeoutSeconds(settings, plan),
        onMessages: (client, messages, receivedAtMs) => log?.record(client, messages, receivedAtMs),
      },
    );
    const connected = await waitUntilConnected(servers, plan, protocol.holds);
    if (connected) result.notes.push(`${connected}${whatClientsSaw(clients.traffic())}`);

    if (plan.idleSeconds > 0) {
      onPhase('idle');
      const meter = new PhaseMeter(servers, plan.strategy, clients, group.redis?.pid);
      await meter.start();
      await sleep(plan.idleSeconds * 1000);
      const cost = await meter.finish();
      const held = cost.heldConnections.last;
      const idle: IdlePhase = {
        ...cost,
        rssPerHeldConnectionBytes: held >= MIN_HELD_FOR_RSS_PER_CONNECTION ? (cost.rssBytes - result.server.baselineRssBytes) / held : null,
      };
      result.idle = idle;
      if (protocol.holds) result.notes.push(...heldElsewhereThanExpected(cost));
    }

    if (plan.chatSeconds > 0) {
      onPhase('warm-up');
      const warmUp = new DeliveryLog(plan.clients, WARM_UP_MESSAGES, WARM_UP_AUTHOR);
      log = warmUp;
      await publish({
        url: postTo,
        strategy: plan.strategy,
        author: WARM_UP_AUTHOR,
        count: WARM_UP_MESSAGES,
        perSecond: plan.messagesPerSecond,
        onPublished: (sequence) => warmUp.notePublished(sequence),
      });
      // Let the warm-up's deliveries finish, so they are not billed to the measured phase.
      await waitFor(() => warmUp.complete(), drainLimitMs);
      onPhase('chat');
      const planned = Math.max(1, Math.round(plan.chatSeconds * plan.messagesPerSecond));
      const deliveries = new DeliveryLog(plan.clients, planned);
      log = deliveries;
      const meter = new PhaseMeter(servers, plan.strategy, clients, group.redis?.pid);
      await meter.start();
      const publishStartedAt = performance.now();
      await publish({
        url: postTo,
        strategy: plan.strategy,
        author: MEASURED_AUTHOR,
        count: planned,
        perSecond: plan.messagesPerSecond,
        onPublished: (sequence) => deliveries.notePublished(sequence),
      });
      const publishSeconds = (performance.now() - publishStartedAt) / 1000;
      // n messages 1/rate apart span (n - 1)/rate seconds, plus the last post's own time.
      const messagesPerSecondAchieved = planned > 1 ? (planned - 1) / publishSeconds : plan.messagesPerSecond;
      if (messagesPerSecondAchieved < RATE_SHORTFALL * plan.messagesPerSecond) {
        result.notes.push(
          `the publisher reached ${messagesPerSecondAchieved.toFixed(2)} of ${plan.messagesPerSecond} messages/s: the server took that long to accept each post`,
        );
      }
      const drained = await waitFor(() => deliveries.complete(), drainLimitMs);
      const cost = await meter.finish();
      const delivered = deliveries.summary();
      const chat: ChatPhase = {
        ...cost,
        messagesPerSecond: plan.messagesPerSecond,
        messagesPerSecondAchieved,
        ...delivered,
        serverCpuMicrosecondsPerDeliveredMessage:
          delivered.deliveriesReceived > 0 ? (cost.serverCpuSeconds * 1e6) / delivered.deliveriesReceived : null,
      };
      if (cost.redis) {
        chat.redisCpuMicrosecondsPerPublishedMessage = delivered.messagesPublished > 0 ? (cost.redis.cpuSeconds * 1e6) / delivered.messagesPublished : null;
      }
      result.chat = chat;
      if (!drained) result.notes.push(`${delivered.lost} deliveries had not arrived ${drainLimitMs} ms after the last message: counted as lost`);
    }
    for (const phase of [result.idle, result.chat]) {
      if (phase?.loadGeneratorWasTheLimit) {
        result.notes.push(`the bench used ${phase.benchCpuPercentOfCore.toFixed(0)}% of its core: the load generator, not the server, may have been the limit`);
        break;
      }
    }
    const peaks = await Promise.all(servers.map(async (server) => (await proc.memory(server.pid)).peakRssBytes));
    result.server.peakRssBytes = sum(peaks);
    if (servers.length > 1) {
      result.server.perServer = group.servers.map((server, index) => ({
        startupMs: server.startupMs,
        baselineRssBytes: baselines[index],
        peakRssBytes: peaks[index],
      }));
    }
    return result;
  } catch (error) {
    // If a server died, that is the story, not the error a client saw because of it.
    throw new Error(group.unexpectedExit() ?? (error as Error).message);
  } finally {
    await clients?.stop();
    await group.stop();
  }
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

/**
 * Wait until every client has a connection and, for strategies that hold,
 * until the server holds every client's request. Returns why not, or undefined.
 */
async function waitUntilConnected(servers: MeteredServer[], plan: PointPlan, holds: boolean): Promise<string | undefined> {
  const limitMs = CONNECT_BASE_MS + plan.clients * CONNECT_PER_CLIENT_MS;
  let sockets = 0;
  let held = 0;
  // Each server must have its own share: a total reached with one server short and the other over is not "all there".
  const allThere = async () => {
    sockets = 0;
    held = 0;
    let everyShare = true;
    for (const server of servers) {
      const serverSockets = await proc.establishedSockets(server.port);
      sockets += Math.min(serverSockets, server.clients);
      if (serverSockets < server.clients) everyShare = false;
    }
    if (!everyShare) return false;
    if (!holds) return true;
    for (const server of servers) {
      const serverHeld = await heldNow(server.url, plan.strategy);
      held += Math.min(serverHeld, server.clients);
      if (serverHeld < server.clients) everyShare = false;
    }
    return everyShare;
  };
  if (await waitFor(allThere, limitMs, 200)) return undefined;
  return holds && sockets >= plan.clients
    ? `only ${held} of ${plan.clients} requests were held after ${limitMs} ms`
    : `only ${sockets} of ${plan.clients} connections were established after ${limitMs} ms`;
}

/** Why clients went missing, as far as they know: refusals (a 503 from a full --max-held), errors, timeouts. */
function whatClientsSaw(traffic: Traffic): string {
  const seen = [[traffic.non2xx, 'non-2xx answers'], [traffic.errors, 'connection errors'], [traffic.timeouts, 'timeouts']] as const;
  const counted = seen.filter(([count]) => count > 0).map(([count, what]) => `${count} ${what}`);
  return counted.length > 0 ? ` (the clients saw ${counted.join(', ')})` : '';
}

/** Long enough that only a request stuck for good counts as a timeout. */
function clientTimeoutSeconds(settings: Record<string, unknown>, plan: PointPlan): number {
  const holdMs = Number(settings.holdTimeoutMs ?? 0);
  const phasesSeconds = plan.idleSeconds + plan.chatSeconds + 60;
  return holdMs > 0 ? holdMs / 1000 + 10 : phasesSeconds;
}

async function strategySettings(url: string, strategy: string): Promise<Record<string, unknown>> {
  const config = await getJson<Config>(`${url}/api/config`);
  const entry = config.strategies.find((candidate) => candidate.name === strategy);
  if (!entry) throw new Error(`the server does not serve strategy "${strategy}"; it serves ${config.strategies.map((s) => s.name).join(', ')}`);
  return entry;
}

async function getJson<T>(url: string): Promise<T> {
  const { status, body } = await requestJson<T>('GET', url);
  if (status !== 200) throw new Error(`GET ${url} answered ${status}: ${JSON.stringify(body)}`);
  return body;
}

async function waitFor(condition: () => boolean | Promise<boolean>, limitMs: number, everyMs = CHECK_EVERY_MS): Promise<boolean> {
  const giveUpAt = performance.now() + limitMs;
  while (!(await condition())) {
    if (performance.now() > giveUpAt) return false;
    await sleep(everyMs);
  }
  return true;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function notReached(result: PointResult, why: string): PointResult {
  result.reached = false;
  result.notes.push(why);
  return result;
}
