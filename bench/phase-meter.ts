// Measures one phase of a point: what the server and the bench spent between
// start() and finish(), and how many requests the server held meanwhile.

import type { Stats } from '../wire/types.ts';
import type { RunningClients, Traffic } from './clients/client-protocol.ts';
import * as proc from './proc-readings.ts';
import { requestJson } from './plain-http.ts';
import type { PhaseCost } from './result-types.ts';

/** How often held requests are sampled from /api/stats. */
const SAMPLE_EVERY_MS = 500;
/** Above this share of its one core, the bench may itself have been the bottleneck. */
const BENCH_BUSY_PERCENT = 90;

interface Snapshot {
  at: number;
  serverCpu: number;
  machineBusy: number;
  io: { read: number; written: number };
  benchCpu: NodeJS.CpuUsage;
  traffic: Traffic;
}

export class PhaseMeter {
  private readonly held: number[] = [];
  private sampler: NodeJS.Timeout | undefined;
  private sampling: Promise<void> = Promise.resolve();
  private startedWith!: Snapshot;

  constructor(
    private readonly server: { url: string; pid: number; port: number },
    private readonly strategy: string,
    private readonly clients: RunningClients,
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
    const serverCpuSeconds = end.serverCpu - start.serverCpu;
    const benchCpuSeconds = (end.benchCpu.user + end.benchCpu.system) / 1e6;
    const benchCpuPercentOfCore = (100 * benchCpuSeconds) / seconds;
    const { rssBytes } = await proc.memory(this.server.pid);
    return {
      seconds,
      serverCpuSeconds,
      serverCpuPercentOfCore: (100 * serverCpuSeconds) / seconds,
      benchCpuPercentOfCore,
      loadGeneratorWasTheLimit: benchCpuPercentOfCore >= BENCH_BUSY_PERCENT,
      otherProcessesCpuPercentOfCore: Math.max(0, (100 * (end.machineBusy - start.machineBusy - serverCpuSeconds - benchCpuSeconds)) / seconds),
      requestsPerSecond: (end.traffic.responses - start.traffic.responses) / seconds,
      bytesInPerSecond: (end.io.read - start.io.read) / seconds,
      bytesOutPerSecond: (end.io.written - start.io.written) / seconds,
      errors: end.traffic.errors - start.traffic.errors,
      timeouts: end.traffic.timeouts - start.traffic.timeouts,
      non2xx: end.traffic.non2xx - start.traffic.non2xx,
      // NaN (null in JSON) if every sample failed.
      heldConnections: {
        min: this.held.length > 0 ? Math.min(...this.held) : NaN,
        max: this.held.length > 0 ? Math.max(...this.held) : NaN,
        last: this.held.length > 0 ? this.held[this.held.length - 1] : NaN,
      },
      establishedSockets: await proc.establishedSockets(this.server.port),
      rssBytes,
    };
  }

  private async snapshot(): Promise<Snapshot> {
    return {
      at: performance.now(),
      serverCpu: await proc.cpuSeconds(this.server.pid),
      machineBusy: await proc.machineBusySeconds(),
      io: await proc.ioBytes(this.server.pid),
      // Relative to the start snapshot once it exists: the bench's CPU during this phase only.
      benchCpu: process.cpuUsage(this.startedWith?.benchCpu),
      traffic: this.clients.traffic(),
    };
  }

  private async sampleHeld(): Promise<void> {
    try {
      this.held.push(await heldNow(this.server.url, this.strategy));
    } catch {
      // A missed sample leaves a gap in a min/max; a server that died is reported by measurePoint.
    }
  }
}

/** Requests the strategy holds right now, by its own count in /api/stats. */
export async function heldNow(url: string, strategy: string): Promise<number> {
  const { body } = await requestJson<Stats>('GET', `${url}/api/stats`);
  return body.strategies[strategy]?.held ?? 0;
}
