// What a point measures, and what the bench can watch of it:
//
//   a workbench strategy   fresh workbench servers: one, or several sharing a fresh Redis (server-group.ts)
//   "plain-reference"      a fresh bench/reference/plain-long-poll.ts, which speaks long-poll
//   --url                  a server someone else started, as it is (url-target.ts)
//
// Each way gives the same thing: servers with a URL (and, when known, a
// process to read in /proc), the strategy whose paths the clients use, and
// a stop that leaves nothing behind but what the bench did not start.

import type { RedisServer } from './redis-server.ts';
import type { ScaleOutPlacement, UrlTarget } from './result-types.ts';
import { startServerGroup } from './server-group.ts';
import { startServerProcess } from './server-process.ts';
import { attachToUrl } from './url-target.ts';
import { PLAIN_REFERENCE } from './versus-reference.ts';

const REFERENCE_SCRIPT = 'bench/reference/plain-long-poll.ts';
/** The workbench strategy whose HTTP contract the plain reference speaks. */
const REFERENCE_SPEAKS = 'long-poll';

export interface TargetServer {
  url: string;
  port: number;
  /** Its process on this machine, or null when the bench does not know it (a --url server it could not find). */
  pid: number | null;
  /** Whether its connections can be counted in this machine's /proc/net/tcp. */
  local: boolean;
  /** From spawn to listening; NaN for a server the bench did not start. */
  startupMs: number;
}

export interface PointTarget {
  servers: TargetServer[];
  /** The clients ask /api/<speaks>/...: the point's strategy, or the one the reference speaks. */
  speaks: string;
  /** The private redis-server several servers share. */
  redis?: RedisServer;
  placement?: Omit<ScaleOutPlacement, 'clientsPerServer'>;
  /** With --url: the server, and why some of it could not be watched. */
  attached?: UrlTarget & { unwatched?: string };
  /** Why a server the bench started ended on its own, or undefined while all run. */
  unexpectedExit(): string | undefined;
  stop(): Promise<void>;
}

export interface TargetPlan {
  strategy: string;
  servers: number;
  serverArguments: string[];
  serverCpus: string | null;
  serverNodeArguments?: string[];
  url?: string;
  pid?: number;
}

export async function openTarget(plan: TargetPlan): Promise<PointTarget> {
  if (plan.url !== undefined) {
    const { port, unwatched, ...attached } = await attachToUrl(plan.url, plan.pid);
    const server = { url: attached.url, port, pid: attached.pid, local: attached.local, startupMs: NaN };
    return { servers: [server], speaks: plan.strategy, attached: { ...attached, unwatched }, unexpectedExit: () => undefined, stop: async () => {} };
  }
  if (plan.strategy === PLAIN_REFERENCE) {
    const reference = await startServerProcess(REFERENCE_SCRIPT, ['--port', '0'], plan.serverCpus, plan.serverNodeArguments);
    return { servers: [{ ...reference, local: true }], speaks: REFERENCE_SPEAKS, unexpectedExit: () => reference.unexpectedExit(), stop: () => reference.stop() };
  }
  const group = await startServerGroup({
    servers: plan.servers,
    serverArguments: [...plan.serverArguments, '--strategy', plan.strategy],
    serverCpus: plan.serverCpus,
    serverNodeArguments: plan.serverNodeArguments,
  });
  return {
    servers: group.servers.map((server) => ({ ...server, local: true })),
    speaks: plan.strategy,
    redis: group.redis,
    placement: group.placement,
    unexpectedExit: () => group.unexpectedExit(),
    stop: () => group.stop(),
  };
}
