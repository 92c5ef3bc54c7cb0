// The HTTP shell: one node:http server that mounts every strategy.
//
//   /api/config                 which strategies exist, with their settings
//   /api/stats                  what the server is doing and costing
//   /api/<strategy>/messages    GET to receive, POST to send, the way <strategy> does it
//   /api/messages               the same, for the default strategy
//   /api/<strategy>/<route>     a strategy's own extra routes (GET), and upgrades to /api/<strategy>
//   /...                        the browser client (web/)
//
// The shell owns everything the strategies share: routing, reading and
// checking posted messages, counting requests, turning errors into JSON
// (through http/failure.ts, the one mapping strategies use too),
// the limits that keep it standing (held requests, slow clients, CORS),
// and shutting down. It knows strategies only through their registry.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { HttpError } from '../http/http-error.ts';
import { refuseUpgrade, replyFailure } from '../http/failure.ts';
import { replyJson } from '../http/reply.ts';
import { openRoom } from '../room/open-room.ts';
import type { Room } from '../room/room.ts';
import { DEFAULT_STRATEGY, defaultSettings, strategies as registeredStrategies } from '../strategies/registry.ts';
import type { Strategy, StrategyServer } from '../strategies/strategy.ts';
import type { Config, Stats } from '../wire/types.ts';
import { applyCors } from './cors.ts';
import { CountingHeldBudget, DEFAULT_MAX_HELD } from './held-budget.ts';
import { joinUrls } from './lan-addresses.ts';
import { DEFAULT_MAX_BODY_BYTES, readDraft } from './read-draft.ts';
import { serveStatic, type StaticMount } from './static-files.ts';
import { processStats } from './stats.ts';

/** How long shutdown waits for answered requests to drain before cutting sockets. */
const SHUTDOWN_GRACE_MS = 1000;
/** A client must send its request headers within this time (slowloris)... */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
/** ...and its whole request, body included, within this one. Held answers are not limited by it. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** The methods each kind of path answers; anything else is a 405 naming them. */
const GET_ONLY = ['GET'];
const GET_OR_HEAD = ['GET', 'HEAD'];
const GET_OR_POST = ['GET', 'POST'];
/** Node checks those two timeouts this often at most. */
const MAX_TIMEOUT_CHECK_INTERVAL_MS = 1000;

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_MOUNTS: StaticMount[] = [
  { urlPrefix: '/results', folder: `${PROJECT_ROOT}results` },
  { urlPrefix: '/lessons', folder: `${PROJECT_ROOT}lessons` },
  { urlPrefix: '/', folder: `${PROJECT_ROOT}web` },
];

export interface ShellOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Strategy served at /api/messages and proposed first to browsers. */
  defaultStrategy?: string;
  dataDir?: string;
  maxBodyBytes?: number;
  /** Strategy options by camelCase name; missing ones take their default. */
  settings?: Record<string, number>;
  /** The room to serve; if none is given, openRoom's default: an in-memory room kept in `dataDir`/messages.jsonl. */
  room?: Room;
  /** Messages the default room keeps; older cursors get a gap (--history). */
  historyLimit?: number;
  /** Requests held open at once, across all strategies; beyond it, 503 (--max-held). */
  maxHeld?: number;
  /** Milliseconds a client has to send its headers (--headers-timeout). */
  headersTimeoutMs?: number;
  /** Milliseconds a client has to send its whole request (--request-timeout). */
  requestTimeoutMs?: number;
  /** The one other origin whose pages may call the API (--cors); none if not given. */
  corsOrigin?: string;
  staticMounts?: StaticMount[];
  /** The strategies to mount; the registry's list unless a lesson checks a student's own version. */
  strategies?: readonly Strategy[];
}

export interface RunningShell {
  url: string;
  /** The URLs to give a class: the LAN addresses when listening on 0.0.0.0. */
  joinUrls: string[];
  port: number;
  server: Server;
  room: Room;
  /** Answer every held request, stop listening and release everything. */
  close(): Promise<void>;
}

interface Mounted {
  server: StrategyServer;
  requestsServed: number;
}

export async function startShell(options: ShellOptions = {}): Promise<RunningShell> {
  const dataDir = options.dataDir ?? 'data';
  const room: Room = options.room ?? (await openRoom('memory', { dataDir, historyLimit: options.historyLimit }));
  const heldBudget = new CountingHeldBudget(options.maxHeld ?? DEFAULT_MAX_HELD);
  const defaultStrategy = options.defaultStrategy ?? DEFAULT_STRATEGY;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const mounts = options.staticMounts ?? DEFAULT_MOUNTS;
  const settings = { ...defaultSettings(), ...options.settings };
  const startedAt = Date.now();

  const mounted = new Map<string, Mounted>();
  const strategies = options.strategies ?? registeredStrategies;
  for (const strategy of strategies) {
    mounted.set(strategy.name, { server: strategy.start({ room, dataDir, settings, heldBudget }), requestsServed: 0 });
  }
  if (!mounted.has(defaultStrategy)) throw new Error(`unknown default strategy ${defaultStrategy}`);
  // Every poll of every client comes to one of these paths: found with one lookup, no parsing.
  const messagesPaths = new Map<string, Mounted>([['/api/messages', mounted.get(defaultStrategy)!]]);
  for (const [name, strategy] of mounted) messagesPaths.set(`/api/${name}/messages`, strategy);

  const config: Config = {
    defaultStrategy,
    joinUrls: [],
    strategies: strategies.map((strategy) => ({
      name: strategy.name,
      summary: strategy.summary,
      ...mounted.get(strategy.name)!.server.clientSettings,
    })),
  };

  function stats(): Stats {
    const perStrategy: Stats['strategies'] = {};
    for (const [name, { server, requestsServed }] of mounted) {
      perStrategy[name] = { requestsServed, held: server.heldCount(), ...server.counters?.() };
    }
    return {
      uptimeSeconds: (Date.now() - startedAt) / 1000,
      room: { kind: room.kind, messages: room.messageCount(), health: room.health?.() },
      process: processStats(),
      strategies: perStrategy,
    };
  }

  /**
   * Route one request. Most are answered, or parked, without waiting for anything: only
   * a read of the room or of a posted body returns a promise, and only then is one made.
   */
  function handle(request: IncomingMessage, response: ServerResponse): void | Promise<void> {
    // Split by hand rather than with new URL(): a request line like "//host/x" must stay a path.
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart < 0 ? url : url.slice(0, queryStart);
    const query = queryStart < 0 ? '' : url.slice(queryStart + 1);
    if (!path.startsWith('/api/')) {
      allowMethods(request, GET_OR_HEAD);
      return serveStatic(request, response, path, mounts);
    }
    if (applyCors(request, response, options.corsOrigin)) return;
    const messagesOf = messagesPaths.get(path);
    if (messagesOf) {
      messagesOf.requestsServed += 1;
      allowMethods(request, GET_OR_POST);
      if (request.method === 'POST') return acceptPost(request, response, messagesOf.server);
      const since = new URLSearchParams(query).get('since') ?? undefined;
      return messagesOf.server.receive(request, response, since);
    }
    if (path === '/api/config') {
      allowMethods(request, GET_ONLY);
      return replyJson(response, 200, config);
    }
    if (path === '/api/stats') {
      allowMethods(request, GET_ONLY);
      return replyJson(response, 200, stats());
    }
    // A strategy's own extra routes, such as /api/sse/events.
    const [name, route] = strategyRoute(path);
    const strategy = findMounted(name);
    const extraRoute = strategy.server.routes?.[route];
    if (!extraRoute) throw new HttpError(404, `no API route ${path.slice(0, 200)}`);
    strategy.requestsServed += 1;
    allowMethods(request, GET_ONLY);
    return extraRoute(request, response, new URLSearchParams(query));
  }

  async function acceptPost(request: IncomingMessage, response: ServerResponse, strategy: StrategyServer): Promise<void> {
    const draft = await readDraft(request, maxBodyBytes);
    const message = await strategy.post(draft);
    replyJson(response, 201, { id: message.id, ts: message.ts });
  }

  /** "/api/<strategy>/<route>" -> [strategy, route]; 404 for anything else under /api/. */
  function strategyRoute(path: string): [string, string] {
    const match = /^\/api\/([^/]+)(?:\/([^/]+))?$/.exec(path);
    if (!match) throw new HttpError(404, `no API route ${path.slice(0, 200)}`);
    return [match[1], match[2] ?? ''];
  }

  function findMounted(name: string): Mounted {
    const strategy = mounted.get(name);
    if (!strategy) {
      throw new HttpError(404, `unknown strategy ${JSON.stringify(name.slice(0, 60))}; known: ${[...mounted.keys()].join(', ')}`);
    }
    return strategy;
  }

  /** An HTTP upgrade (WebSocket) to /api/<strategy>[/...] goes to that strategy, if it takes upgrades. */
  function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    try {
      const [path] = (request.url ?? '/').split('?', 1);
      const strategy = findMounted(strategyRoute(path)[0]);
      if (!strategy.server.upgrade) throw new HttpError(404, `${path.slice(0, 200)} does not take upgrades`);
      strategy.server.upgrade(request, socket, head);
    } catch (error) {
      refuseUpgrade(socket, error);
    }
  }

  // Slow clients (slowloris) cannot pin a socket: headers and whole requests have deadlines.
  const headersTimeout = options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
  const requestTimeout = Math.max(headersTimeout, options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
  const server = createServer(
    { headersTimeout, requestTimeout, connectionsCheckingInterval: Math.min(MAX_TIMEOUT_CHECK_INTERVAL_MS, headersTimeout / 4) },
    (request, response) => {
      try {
        handle(request, response)?.catch((error: unknown) => replyFailure(response, error));
      } catch (error) {
        replyFailure(response, error);
      }
    },
  );
  server.on('upgrade', handleUpgrade);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 3000, options.host ?? '127.0.0.1', () => resolve());
    });
  } catch (error) {
    await Promise.all([...mounted.values()].map(({ server }) => server.close()));
    await room.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  config.joinUrls = joinUrls(host, port, url);

  async function close(): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all([...mounted.values()].map(({ server }) => server.close()));
    server.closeIdleConnections();
    const grace = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    await closed;
    clearTimeout(grace);
    await room.close();
  }

  return { url, joinUrls: config.joinUrls, port, server, room, close };
}

function allowMethods(request: IncomingMessage, allowed: readonly string[]): void {
  if (!allowed.includes(request.method ?? '')) {
    throw new HttpError(405, `${request.method} is not allowed here; use ${allowed.join(' or ')}`, { Allow: allowed.join(', ') });
  }
}
