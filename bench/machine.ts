// The conditions of a run, recorded next to its figures: machine, Node
// version, commit, and which cores the server and the bench were given.

import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { openFilesLimit } from './proc-readings.ts';
import type { BenchResults } from './result-types.ts';
import { tasksetAvailable } from './server-process.ts';

export async function describeMachine(): Promise<BenchResults['machine']> {
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    totalMemoryBytes: totalmem(),
    nodeVersion: process.version,
    platform: process.platform,
    kernel: release(),
    openFilesLimit: await openFilesLimit(),
    loadAverageAtStart: loadavg(),
  };
}

/** The commit the working tree is on, and whether it has uncommitted changes. */
export function describeCommit(): { commit: string; uncommittedChanges: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const changes = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim();
    return { commit, uncommittedChanges: changes.length > 0 };
  } catch {
    return { commit: 'unknown', uncommittedChanges: true }; // not a git checkout (e.g. an unpacked archive)
  }
}

/**
 * Keep the server and the load on different cores: the server gets core 0,
 * this process (clients, publisher, sampler; every thread of it) the last
 * core. On one core, or without taskset, nothing is pinned and the note says so.
 */
export function pinLoadAndChooseServerCores(): BenchResults['pinning'] {
  const cores = cpus().length;
  if (cores < 2) return { pinned: false, serverCpus: null, benchCpus: null, note: 'one core: server and bench share it' };
  if (!tasksetAvailable()) {
    return { pinned: false, serverCpus: null, benchCpus: null, note: 'taskset not found (util-linux): server and bench were not pinned and compete for cores' };
  }
  const benchCpus = String(cores - 1);
  try {
    execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', benchCpus, String(process.pid)], { stdio: 'ignore' });
  } catch (error) {
    return { pinned: false, serverCpus: null, benchCpus: null, note: `taskset could not pin the bench: ${(error as Error).message}` };
  }
  const serverCpus = cores === 2 ? '0' : `0-${cores - 2}`;
  return { pinned: true, serverCpus, benchCpus, note: `server on CPU ${serverCpus}, bench (clients, publisher, sampler) on CPU ${benchCpus}, with taskset` };
}
