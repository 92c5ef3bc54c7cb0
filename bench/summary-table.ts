// The table printed at the end of a run: one row per strategy and number of clients.

import { pointLabel } from './point-label.ts';
import type { BenchResults, PointResult } from './result-types.ts';

interface Column {
  title: string;
  value(point: PointResult): string;
}

const COLUMNS: Column[] = [
  { title: 'strategy', value: (point) => pointLabel(point) },
  { title: 'clients', value: (point) => String(point.clients) },
  { title: 'idle cpu%', value: (point) => fixed(point.idle?.serverCpuPercentOfCore, 1) },
  { title: 'held', value: (point) => fixed(point.idle?.heldConnections.last ?? point.chat?.heldConnections.max, 0) },
  { title: 'KB/held', value: (point) => fixed(kilobytes(point.idle?.rssPerHeldConnectionBytes), 1) },
  { title: 'idle req/s', value: (point) => fixed(point.idle?.requestsPerSecond, 0) },
  { title: 'p50 ms', value: (point) => fixed(point.chat?.deliveryLatencyMs.p50, 1) },
  { title: 'p99 ms', value: (point) => fixed(point.chat?.deliveryLatencyMs.p99, 1) },
  { title: 'max ms', value: (point) => fixed(point.chat?.deliveryLatencyMs.max, 1) },
  { title: 'lost', value: (point) => lostShare(point) },
  { title: 'dup', value: (point) => fixed(point.chat?.duplicates, 0) },
  { title: 'chat cpu%', value: (point) => fixed(point.chat?.serverCpuPercentOfCore, 1) },
  { title: 'µs/msg', value: (point) => fixed(point.chat?.serverCpuMicrosecondsPerDeliveredMessage ?? undefined, 1) },
  // Beside the plain reference at the same number of clients, when the run measured it: 2.0× is twice its CPU per delivery.
  { title: '× ref', value: (point) => times(point.chat?.serverCpuPerDeliveryTimesReference) },
  { title: 'chat req/s', value: (point) => fixed(point.chat?.requestsPerSecond, 0) },
  { title: 'bench cpu%', value: (point) => fixed(Math.max(point.idle?.benchCpuPercentOfCore ?? 0, point.chat?.benchCpuPercentOfCore ?? 0), 0) },
];

export function summaryTable(results: BenchResults): string {
  const rows = results.points.map((point) => COLUMNS.map((column) => column.value(point)));
  const widths = COLUMNS.map((column, index) => Math.max(column.title.length, ...rows.map((row) => row[index].length)));
  const line = (cells: string[]) => cells.map((cell, index) => (index < 1 ? cell.padEnd(widths[index]) : cell.padStart(widths[index]))).join('  ');
  const lines = [line(COLUMNS.map((column) => column.title)), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)];
  for (const point of results.points) {
    for (const note of point.notes) lines.push(`! ${pointLabel(point)} at ${point.clients} clients: ${note}`);
  }
  return lines.join('\n');
}

function fixed(value: number | null | undefined, digits: number): string {
  return value === undefined || value === null || Number.isNaN(value) ? '-' : value.toFixed(digits);
}

function times(ratio: number | null | undefined): string {
  return ratio === undefined || ratio === null || Number.isNaN(ratio) ? '-' : `${ratio.toFixed(1)}×`;
}

function kilobytes(bytes: number | null | undefined): number | undefined {
  return bytes === null || bytes === undefined ? undefined : bytes / 1024;
}

function lostShare(point: PointResult): string {
  const chat = point.chat;
  if (!chat || chat.deliveriesExpected === 0) return '-';
  return chat.lost === 0 ? '0' : `${chat.lost} (${((100 * chat.lost) / chat.deliveriesExpected).toFixed(1)}%)`;
}
