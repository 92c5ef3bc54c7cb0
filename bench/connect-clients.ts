// The first step of a point, once its servers listen: ask for the
// strategy's settings and a cursor to start from, start the clients (spread
// evenly over the servers), and wait until every server has its share
// connected and, for strategies that hold, held. What falls short becomes a
// note, and the phases are measured anyway.

import type { Config, MessagesPage } from '../wire/types.ts';
import type { ClientProtocol, RunningClients, Traffic } from './clients/client-protocol.ts';
import { shareClients, startSpreadClients } from './clients/spread-clients.ts';
import type { DeliveryLog } from './delivery-log.ts';
import { heldNow, rssOf, type MeteredServer } from './phase-meter.ts';
import { requestJson } from './plain-http.ts';
import type { PointTarget } from './point-target.ts';
import * as proc from './proc-readings.ts';
import { PUBLISHER_SERVER } from './server-group.ts';
import { waitFor } from './wait-for.ts';

/** How long clients get to connect (and be held): a base, plus a little per client. */
const CONNECT_BASE_MS = 10_000;
const CONNECT_PER_CLIENT_MS = 2;
const CONNECT_CHECK_EVERY_MS = 200;
/**
 * After the last message, how long stragglers may take to arrive before they
 * count as lost: this, plus the strategy's poll interval if it has one.
 */
const DRAIN_BASE_MS = 1_500;
/** A client's timeout beyond the phases, for strategies that never answer an idle request. */
const NO_HOLD_TIMEOUT_SLACK_SECONDS = 60;
/** A client's timeout beyond the server's hold, so that only a request stuck for good counts as a timeout. */
const HOLD_TIMEOUT_SLACK_SECONDS = 10;

export interface ConnectPlan {
  clients: number;
  idleSeconds: number;
  chatSeconds: number;
}

export interface ConnectedPoint {
  servers: MeteredServer[];
  /** The publisher's server. */
  postTo: string;
  clients: RunningClients;
  /** Each server's RSS before any client connected. */
  baselineRssBytes: number[];
  /** After the last message, how long stragglers may take before they count as lost. */
  drainLimitMs: number;
  /** Deliveries from now on are recorded in `log`. */
  recordInto(log: DeliveryLog): void;
}

export async function connectClients(plan: ConnectPlan, target: PointTarget, protocol: ClientProtocol, notes: string[]): Promise<ConnectedPoint> {
  const shares = shareClients(plan.clients, target.servers.length);
  const servers: MeteredServer[] = target.servers.map((server, index) => ({
    url: server.url,
    pid: server.pid,
    port: server.port,
    local: server.local,
    clients: shares[index],
    takesPosts: index === PUBLISHER_SERVER,
  }));
  const postTo = servers[PUBLISHER_SERVER].url;
  const settings = await strategySettings(postTo, target.speaks, notes);
  // One cursor for every client: with a Redis room it is a stream id, good on any server.
  const startCursor = (await getJson<MessagesPage>(`${postTo}/api/${target.speaks}/messages`)).cursor;
  const baselineRssBytes = await Promise.all(servers.map((server) => rssOf(server.pid)));

  let log: DeliveryLog | undefined;
  const clients = startSpreadClients(
    protocol,
    servers.map((server) => server.url),
    shares,
    {
      url: postTo,
      strategy: target.speaks,
      clients: plan.clients,
      startCursor,
      settings,
      timeoutSeconds: clientTimeoutSeconds(settings, plan),
      onMessages: (client, messages, receivedAtMs) => log?.record(client, messages, receivedAtMs),
    },
  );
  try {
    const countsHeld = protocol.holds && (await reportsHeld(postTo, target.speaks, notes));
    const shortfall = await waitUntilConnected(servers, target.speaks, plan.clients, countsHeld);
    if (shortfall) notes.push(`${shortfall}${whatClientsSaw(clients.traffic())}`);
  } catch (error) {
    await clients.stop(); // the caller never got them: stop them here, or they would retry forever
    throw error;
  }
  return {
    servers,
    postTo,
    clients,
    baselineRssBytes,
    drainLimitMs: DRAIN_BASE_MS + Number(settings.pollIntervalMs ?? 0),
    recordInto: (next) => (log = next),
  };
}

/**
 * Wait until every client has a connection and, if `countsHeld`, until the
 * server holds every client's request. Returns why not, or undefined.
 */
async function waitUntilConnected(servers: MeteredServer[], strategy: string, clients: number, countsHeld: boolean): Promise<string | undefined> {
  const limitMs = CONNECT_BASE_MS + clients * CONNECT_PER_CLIENT_MS;
  let sockets = 0;
  let held = 0;
  // Each server must have its own share: a total reached with one server short and the other over is not "all there".
  const allThere = async () => {
    sockets = 0;
    held = 0;
    let everyShare = true;
    for (const server of servers) {
      if (!server.local) continue; // its sockets are not in this machine's tables
      const serverSockets = await proc.establishedSockets(server.port);
      sockets += Math.min(serverSockets, server.clients);
      if (serverSockets < server.clients) everyShare = false;
    }
    if (!everyShare || !countsHeld) return everyShare;
    for (const server of servers) {
      const serverHeld = await heldNow(server.url, strategy);
      held += Math.min(serverHeld, server.clients);
      if (!(serverHeld >= server.clients)) everyShare = false;
    }
    return everyShare;
  };
  if (await waitFor(allThere, limitMs, CONNECT_CHECK_EVERY_MS)) return undefined;
  return countsHeld && sockets >= clients
    ? `only ${held} of ${clients} requests were held after ${limitMs} ms`
    : `only ${sockets} of ${clients} connections were established after ${limitMs} ms`;
}

/** Whether the server counts its held requests in GET /api/stats; a --url server may not. */
async function reportsHeld(url: string, strategy: string, notes: string[]): Promise<boolean> {
  const held = await heldNow(url, strategy).catch(() => NaN);
  if (Number.isFinite(held)) return true;
  notes.push('the server reports no held requests (GET /api/stats): the bench could not check that every client was held');
  return false;
}

/** Why clients went missing, as far as they know: refusals (a 503 from a full --max-held), errors, timeouts. */
function whatClientsSaw(traffic: Traffic): string {
  const seen = [[traffic.non2xx, 'non-2xx answers'], [traffic.errors, 'connection errors'], [traffic.timeouts, 'timeouts']] as const;
  const counted = seen.filter(([count]) => count > 0).map(([count, what]) => `${count} ${what}`);
  return counted.length > 0 ? ` (the clients saw ${counted.join(', ')})` : '';
}

/** Long enough that only a request stuck for good counts as a timeout. */
function clientTimeoutSeconds(settings: Record<string, unknown>, plan: ConnectPlan): number {
  const holdMs = Number(settings.holdTimeoutMs ?? 0);
  return holdMs > 0 ? holdMs / 1000 + HOLD_TIMEOUT_SLACK_SECONDS : plan.idleSeconds + plan.chatSeconds + NO_HOLD_TIMEOUT_SLACK_SECONDS;
}

/**
 * The strategy's entry in GET /api/config (pollIntervalMs, holdTimeoutMs...).
 * A server without /api/config (a --url server may have none) gets a note
 * and no settings; one that serves other strategies only is an error.
 */
async function strategySettings(url: string, strategy: string, notes: string[]): Promise<Record<string, unknown>> {
  const config = await getJson<Partial<Config>>(`${url}/api/config`).catch((error: Error) => error);
  if (config instanceof Error || !Array.isArray(config.strategies)) {
    const why = config instanceof Error ? config.message : 'it lists no "strategies"';
    notes.push(`GET /api/config could not be read (${why}): the bench assumed no hold timeout and no poll interval`);
    return {};
  }
  const entry = config.strategies.find((candidate) => candidate.name === strategy);
  if (!entry) throw new Error(`the server does not serve strategy "${strategy}"; it serves ${config.strategies.map((s) => s.name).join(', ')}`);
  return entry;
}

async function getJson<T>(url: string): Promise<T> {
  const { status, body } = await requestJson<T>('GET', url);
  if (status !== 200) throw new Error(`GET ${url} answered ${status}: ${JSON.stringify(body)}`);
  return body;
}
