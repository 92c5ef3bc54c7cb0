// Percentiles of one run, and medians and minima over repeated runs.

/** The p-th percentile (nearest rank) of ascending `sorted` values; NaN when there are none. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/**
 * Combine runs of the same shape field by field: every number becomes
 * `pick(numbers)`, anything else is taken from the first run. Used to report
 * the median (and minimum) of repeated runs on a noisy machine.
 */
export function combineRuns<T>(runs: T[], pick: (values: number[]) => number): T {
  const [first] = runs;
  if (typeof first === 'number') return pick(runs as number[]) as T;
  // A flag (such as "the load generator was the limit") holds if it held in any run.
  if (typeof first === 'boolean') return runs.some(Boolean) as T;
  if (first === null || typeof first !== 'object' || Array.isArray(first)) return first;
  const combined: Record<string, unknown> = {};
  for (const key of Object.keys(first)) {
    const values: unknown[] = runs.map((run) => (run as Record<string, unknown>)[key]);
    combined[key] = values.every((value) => typeof value === typeof values[0]) ? combineRuns(values, pick) : values[0];
  }
  return combined as T;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function minimum(values: number[]): number {
  return Math.min(...values);
}
