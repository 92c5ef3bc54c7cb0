// How a point is named in the table, the progress line and the report: by
// its strategy, and "×2" after it when two servers shared a Redis room, so
// scale-out points stand apart from the single-server points beside them.
// No Node imports: the report page is bundled with this file.

import type { PointResult } from './result-types.ts';

export function pointLabel(point: Pick<PointResult, 'strategy' | 'servers'>): string {
  const servers = point.servers ?? 1;
  return servers > 1 ? `${point.strategy} ×${servers}` : point.strategy;
}
