// The servers of one point: a single workbench server on its memory room,
// or (scale-out) a private redis-server and several workbench servers
// started with the same `--room redis://127.0.0.1:<port>?stream=<key>`, as
// processes behind a load balancer would be. Each server is still a plain
// `node --import tsx shell/cli.ts`, reached only over HTTP.

import { cpus } from 'node:os';
import { randomUUID } from 'node:crypto';
import { startRedisServer, type RedisServer } from './redis-server.ts';
import type { ScaleOutPlacement } from './result-types.ts';
import { startWorkbenchServer, type ServerProcess } from './server-process.ts';

/**
 * The publisher posts to the first server. One fixed poster is the workload
 * of every point (one person typing), so the only change from one server is
 * the second server: its clients learn of each post only through Redis
 * (its XREAD loop), never from the process that took the post. The first
 * server wakes its own clients through Redis too (the Redis room has one
 * path for every server), so the two halves differ by where the XADD ran,
 * not by a shortcut.
 */
export const PUBLISHER_SERVER = 0;

export interface ServerGroup {
  servers: ServerProcess[];
  room: 'memory' | 'redis';
  /** The private redis-server, with more than one server. */
  redis?: RedisServer;
  /** With more than one server: where everything ran (clientsPerServer is filled in by the caller). */
  placement?: Omit<ScaleOutPlacement, 'clientsPerServer'>;
  /** Why a server ended on its own, or undefined while all run. */
  unexpectedExit(): string | undefined;
  stop(): Promise<void>;
}

export interface GroupPlan {
  servers: number;
  serverArguments: string[];
  /** The run's taskset list for the server side (everything but the bench's core), or null: unpinned. */
  serverCpus: string | null;
  serverNodeArguments?: string[];
}

export async function startServerGroup(plan: GroupPlan): Promise<ServerGroup> {
  if (plan.servers === 1) {
    const server = await startWorkbenchServer(plan.serverArguments, plan.serverCpus, plan.serverNodeArguments);
    return { servers: [server], room: 'memory', unexpectedExit: () => server.unexpectedExit(), stop: () => server.stop() };
  }

  const where = placeScaleOut(plan.servers, plan.serverCpus);
  const redis = await startRedisServer(where.redisCpus);
  // A fresh stream per point, so no point sees another's messages even if Redis were shared.
  const roomUrl = `${redis.url}?stream=${encodeURIComponent(`pollbench-bench:${randomUUID()}`)}`;
  const servers: ServerProcess[] = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await redis.stop();
  };
  try {
    // One after the other, so each server's startupMs is its own, not a share of a contended core.
    for (const serverCpus of where.serverCpus) {
      servers.push(await startWorkbenchServer([...plan.serverArguments, '--room', roomUrl], serverCpus, plan.serverNodeArguments));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    servers,
    room: 'redis',
    redis,
    placement: { roomUrl, redisVersion: redis.version, publisherServer: PUBLISHER_SERVER, ...where },
    unexpectedExit: () => servers.map((server) => server.unexpectedExit()).find((why) => why !== undefined),
    stop,
  };
}

/**
 * A core for each server and one for Redis when the machine has them beside
 * the bench's core; otherwise every one of them shares the server side's
 * cores (on 2 cores: all on CPU 0), which is recorded and said plainly.
 */
function placeScaleOut(servers: number, serverSide: string | null): Pick<ScaleOutPlacement, 'serverCpus' | 'redisCpus' | 'coreEach'> {
  // The bench holds the last core (machine.ts): cores 0..n-2 are the server side's.
  const serverSideCores = cpus().length - 1;
  if (serverSide !== null && serverSideCores >= servers + 1) {
    return {
      serverCpus: Array.from({ length: servers }, (_, index) => String(index)),
      redisCpus: String(servers),
      coreEach: true,
    };
  }
  return { serverCpus: Array.from({ length: servers }, () => serverSide), redisCpus: serverSide, coreEach: false };
}

/** What a run's scale-out points can and cannot show on this machine, in words for the output and the report. */
export function scaleOutCaveat(cores: number, servers: number, pinnedServerSide: string | null): string {
  const needed = servers + 2;
  if (cores >= needed && pinnedServerSide !== null) {
    return `Scale-out points: each of the ${servers} servers and redis-server had a core of its own, and the bench another.`;
  }
  const shared = pinnedServerSide === null ? 'shared the machine unpinned with the bench' : `all ran on CPU ${pinnedServerSide}, the bench on the other core`;
  return (
    `Scale-out on ${cores} cores: the ${servers} servers and redis-server ${shared}, so ${servers} servers had no more CPU than one. ` +
    'These points can show what the trip through Redis adds to delivery latency, what the servers and Redis spend per message ' +
    `(summed), and that clients spread over ${servers} servers get every message once. They cannot show the capacity a second ` +
    `server adds: that needs a core per server, one for Redis and one for the bench (${needed} or more).`
  );
}
