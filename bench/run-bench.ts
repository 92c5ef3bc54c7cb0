// The bench as a function: every strategy, at every number of clients, on
// the same workload, each point on a fresh server (or every point on the
// server at --url). bench/cli.ts is the command-line face of this; tests
// and scripts may call it directly.

import { loadavg } from 'node:os';
import { combineRuns, median, minimum } from './percentiles.ts';
import { pointLabel } from './point-label.ts';
import { describeCommit, describeMachine, pinLoadAndChooseServerCores } from './machine.ts';
import { measurePoint } from './measure-point.ts';
import type { BenchResults, PointResult } from './result-types.ts';
import { scaleOutCaveat } from './server-group.ts';
import { compareWithReference } from './versus-reference.ts';

export interface BenchPlan {
  command: string;
  workload: 'idle' | 'chat' | 'sweep';
  strategies: string[];
  clients: number[];
  /** Numbers of servers per point: 1 is one server on its memory room; 2 is two servers sharing a private Redis room. */
  servers?: number[];
  idleSeconds: number;
  chatSeconds: number;
  messagesPerSecond: number;
  repeat: number;
  /** Extra flags for every server (e.g. --hold-timeout 25000). */
  serverArguments: string[];
  /** Flags for every server's node (e.g. --cpu-prof). */
  serverNodeArguments?: string[];
  /** Measure the server at this URL instead of starting fresh ones; `pid` is its process, if known. */
  url?: string;
  pid?: number;
}

export interface Progress {
  done: number;
  total: number;
  /** "long-poll", or "long-poll ×2" for a scale-out point. */
  strategy: string;
  clients: number;
  phase: string;
}

export async function runBench(plan: BenchPlan, onProgress: (progress: Progress) => void = () => {}): Promise<BenchResults> {
  const startedAt = new Date().toISOString();
  const pinning = pinLoadAndChooseServerCores();
  if (plan.url !== undefined) {
    const bench = pinning.pinned ? `the bench on CPU ${pinning.benchCpus}, with taskset` : 'the bench not pinned';
    pinning.note = `${bench}; the server at ${plan.url} was not started by the bench and runs wherever it was started`;
  }
  const machine = await describeMachine();
  const { commit, uncommittedChanges } = describeCommit();
  const points: PointResult[] = [];
  const serverCounts = plan.servers ?? [1];
  const total = plan.strategies.length * serverCounts.length * plan.clients.length * plan.repeat;
  let done = 0;

  for (const strategy of plan.strategies) {
    for (const servers of serverCounts) {
      const label = pointLabel({ strategy, servers });
      for (const clients of plan.clients) {
        const runs: PointResult[] = [];
        for (let repeat = 0; repeat < plan.repeat; repeat++) {
          const run = await measurePoint(
            {
              strategy,
              clients,
              servers,
              idleSeconds: plan.workload === 'chat' ? 0 : plan.idleSeconds,
              chatSeconds: plan.workload === 'idle' ? 0 : plan.chatSeconds,
              messagesPerSecond: plan.messagesPerSecond,
              serverArguments: plan.serverArguments,
              serverCpus: pinning.serverCpus,
              serverNodeArguments: plan.serverNodeArguments,
              url: plan.url,
              pid: plan.pid,
            },
            (phase) => onProgress({ done, total, strategy: label, clients, phase }),
          ).catch((error: Error): PointResult => ({
            strategy,
            clients,
            servers,
            room: servers > 1 ? 'redis' : 'memory',
            reached: false,
            notes: [`failed: ${error.message}`],
            server: { startupMs: NaN, baselineRssBytes: NaN, peakRssBytes: NaN },
            repeats: 1,
          }));
          runs.push(run);
          done += 1;
          onProgress({ done, total, strategy: label, clients, phase: run.reached ? 'done' : 'not reached' });
        }
        points.push(combineRepeats(runs));
      }
    }
  }
  compareWithReference(points);
  const mostServers = Math.max(...serverCounts);

  return {
    format: 'pollbench-bench-results/1',
    command: plan.command,
    settings: {
      workload: plan.workload,
      strategies: plan.strategies,
      clients: plan.clients,
      idleSeconds: plan.idleSeconds,
      chatSeconds: plan.chatSeconds,
      messagesPerSecond: plan.messagesPerSecond,
      repeat: plan.repeat,
      serverArguments: plan.serverArguments,
      servers: serverCounts,
      ...(plan.url !== undefined ? { url: plan.url } : {}),
      ...(plan.pid !== undefined ? { pid: plan.pid } : {}),
    },
    machine,
    commit,
    uncommittedChanges,
    pinning,
    ...(mostServers > 1 ? { scaleOutCaveat: scaleOutCaveat(machine.cores, mostServers, pinning.serverCpus) } : {}),
    startedAt,
    finishedAt: new Date().toISOString(),
    loadAverageAtEnd: loadavg(),
    points,
  };
}

/** One run stands for itself; several become their median, with the minimum of each figure beside it. */
function combineRepeats(runs: PointResult[]): PointResult {
  if (runs.length === 1) return runs[0];
  const measured = runs.filter((run) => run.reached && (run.chat !== undefined || run.idle !== undefined));
  const usable = measured.length > 0 ? measured : runs;
  const combined = combineRuns(usable, median);
  const least = combineRuns(usable, minimum);
  return {
    ...combined,
    reached: runs.every((run) => run.reached),
    notes: [...new Set(runs.flatMap((run) => run.notes))],
    repeats: usable.length,
    minimum: { idle: least.idle, chat: least.chat },
  };
}
