// Measures one phase of a point: what the server (or servers) and the bench
// spent between start() and finish(), and how many requests the servers
// held meanwhile. With several servers sharing a Redis room, every figure is
// summed over them and each server's own is kept beside the sum; Redis's
// CPU and memory are read the same way, from /proc. What cannot be read (a
// --url server whose process is unknown, or not on this machine) is NaN.

import type { Stats } from '../wire/types.ts';
import type { RunningClients, Traffic } from './clients/client-protocol.ts';
import * as proc from './proc-readings.ts';
import { requestJson } from './plain-http.ts';
import type { PhaseCost, ServerPhaseCost } from './result-types.ts';

/** How often held requests are sampled from /api/stats. */
const SAMPLE_EVERY_MS = 500;
/** Above this share of its one core, the bench may itself have been the bottleneck. */
const BENCH_BUSY_PERCENT = 90;

export interface MeteredServer {
  url: string;
  /** Its process on this machine, or null if unknown. */
  pid: number | null;
  port: number;
  /** Whether its connections can be counted in this machine's /proc/net/tcp. */
  local: boolean;
  /** Simulated clients connected to it. */
  clients: number;
  /** Whether the publisher posts to it. */
  takesPosts: boolean;
}

interface Snapshot {
  at: number;
  /** Per server, in the order given. */
  serverCpu: number[];
  io: { read: number; written: number }[];
  redisCpu: number;
  machineBusy: number;
  benchCpu: NodeJS.CpuUsage;
  traffic: Traffic;
}

export class PhaseMeter {
  /** held[tick][server]: one /api/stats sample of every server per tick, so the sum of a tick is one moment's total. */
  private readonly held: number[][] = [];
  private sampler: NodeJS.Timeout | undefined;
  private sampling: Promise<void> = Promise.resolve();
  private startedWith!: Snapshot;

  constructor(
    private readonly servers: MeteredServer[],
    private readonly strategy: string,
    private readonly clients: RunningClients,
    /** The redis-server the servers share, if they do. */
    private readonly redisPid?: number,
  ) {}

  async start(): Promise<void> {
    this.startedWith = await this.snapshot();
    this.sampler = setInterval(() => {
      this.sampling = this.sampleHeld();
    }, SAMPLE_EVERY_MS);
  }

  async finish(): Promise<PhaseCost> {
    clearInterval(this.sampler);
    await this.sampling;
    await this.sampleHeld();
    const end = await this.snapshot();
    const start = this.startedWith;
    const seconds = (end.at - start.at) / 1000;
    const percentOfCore = (cpuSeconds: number) => (100 * cpuSeconds) / seconds;
    const perServer: ServerPhaseCost[] = [];
    for (const [index, server] of this.servers.entries()) {
      const serverCpuSeconds = end.serverCpu[index] - start.serverCpu[index];
      perServer.push({
        clients: server.clients,
        takesPosts: server.takesPosts,
        serverCpuSeconds,
        serverCpuPercentOfCore: percentOfCore(serverCpuSeconds),
        rssBytes: await rssOf(server.pid),
        bytesInPerSecond: (end.io[index].read - start.io[index].read) / seconds,
        bytesOutPerSecond: (end.io[index].written - start.io[index].written) / seconds,
        heldConnections: minMaxLast(this.held.map((tick) => tick[index])),
        establishedSockets: server.local ? await proc.establishedSockets(server.port) : NaN,
      });
    }
    const serverCpuSeconds = sum(perServer.map((server) => server.serverCpuSeconds));
    const redisCpuSeconds = end.redisCpu - start.redisCpu;
    const benchCpuSeconds = (end.benchCpu.user + end.benchCpu.system) / 1e6;
    const benchCpuPercentOfCore = percentOfCore(benchCpuSeconds);
    const cost: PhaseCost = {
      seconds,
      serverCpuSeconds,
      serverCpuPercentOfCore: percentOfCore(serverCpuSeconds),
      benchCpuPercentOfCore,
      loadGeneratorWasTheLimit: benchCpuPercentOfCore >= BENCH_BUSY_PERCENT,
      // A server whose CPU is unknown counts as "other": on this machine, its CPU is in there.
      otherProcessesCpuPercentOfCore: Math.max(0, percentOfCore(end.machineBusy - start.machineBusy - knownOrZero(serverCpuSeconds) - redisCpuSeconds - benchCpuSeconds)),
      requestsPerSecond: (end.traffic.responses - start.traffic.responses) / seconds,
      bytesInPerSecond: sum(perServer.map((server) => server.bytesInPerSecond)),
      bytesOutPerSecond: sum(perServer.map((server) => server.bytesOutPerSecond)),
      errors: end.traffic.errors - start.traffic.errors,
      timeouts: end.traffic.timeouts - start.traffic.timeouts,
      non2xx: end.traffic.non2xx - start.traffic.non2xx,
      // Summed tick by tick; a tick where one server's sample failed is left out of the sum.
      heldConnections: minMaxLast(this.held.filter((tick) => tick.every(Number.isFinite)).map(sum)),
      establishedSockets: sum(perServer.map((server) => server.establishedSockets)),
      rssBytes: sum(perServer.map((server) => server.rssBytes)),
    };
    if (this.servers.length > 1) cost.perServer = perServer;
    if (this.redisPid !== undefined) {
      cost.redis = { cpuSeconds: redisCpuSeconds, cpuPercentOfCore: percentOfCore(redisCpuSeconds), rssBytes: (await proc.memory(this.redisPid)).rssBytes };
    }
    return cost;
  }

  private async snapshot(): Promise<Snapshot> {
    const serverCpu: number[] = [];
    const io: { read: number; written: number }[] = [];
    for (const server of this.servers) {
      serverCpu.push(server.pid === null ? NaN : await proc.cpuSeconds(server.pid));
      io.push(server.pid === null ? { read: NaN, written: NaN } : await proc.ioBytes(server.pid));
    }
    return {
      at: performance.now(),
      serverCpu,
      io,
      redisCpu: this.redisPid === undefined ? 0 : await proc.cpuSeconds(this.redisPid),
      machineBusy: await proc.machineBusySeconds(),
      // Relative to the start snapshot once it exists: the bench's CPU during this phase only.
      benchCpu: process.cpuUsage(this.startedWith?.benchCpu),
      traffic: this.clients.traffic(),
    };
  }

  private async sampleHeld(): Promise<void> {
    const tick = await Promise.all(
      this.servers.map((server) =>
        // A missed sample (NaN) leaves a gap in a min/max; a server that died is reported by measurePoint.
        heldNow(server.url, this.strategy).catch(() => NaN),
      ),
    );
    this.held.push(tick);
  }
}

/** Requests the strategy holds right now, by its own count in /api/stats; NaN if the server does not say. */
export async function heldNow(url: string, strategy: string): Promise<number> {
  const { status, body } = await requestJson<Partial<Stats>>('GET', `${url}/api/stats`);
  if (status !== 200 || body.strategies === undefined) return NaN;
  return body.strategies[strategy]?.held ?? 0;
}

/** Resident memory of `pid` now, in bytes; NaN if the process is unknown. */
export async function rssOf(pid: number | null): Promise<number> {
  return pid === null ? NaN : (await proc.memory(pid)).rssBytes;
}

/** NaN (null in JSON) for each figure if every sample failed. */
function minMaxLast(samples: number[]): { min: number; max: number; last: number } {
  const known = samples.filter(Number.isFinite);
  if (known.length === 0) return { min: NaN, max: NaN, last: NaN };
  return { min: Math.min(...known), max: Math.max(...known), last: known[known.length - 1] };
}

function knownOrZero(value: number): number {
  return Number.isFinite(value) ? value : 0;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
