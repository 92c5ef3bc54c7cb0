// results/README.md quotes the committed bench runs by hand. Every figure in its tables is checked
// here against the JSON it quotes, rounded as the table shows it: a figure edited by hand, or a new
// run committed without a new README, fails.
//
// A table row names its point in its first columns (`strategy`, `clients`); each other column is
// declared below with its decimals and the figures its cells hold, in order. Numbers in [brackets]
// are the minimum of repeated runs; text in (parentheses) is a target, not a result, and is skipped.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BenchResults, ChatPhase, IdlePhase } from '../bench/result-types.ts';

const RESULTS = new URL('../results/', import.meta.url);
const readme = readFileSync(new URL('README.md', RESULTS), 'utf8');
const load = (file: string) => JSON.parse(readFileSync(new URL(file, RESULTS), 'utf8')) as BenchResults;

type Phases = { idle?: IdlePhase; chat?: ChatPhase };
type Figure = number | null | undefined;
interface Column { decimals: number; figures: (point: Phases) => Figure[] }
type Row = Record<string, string>;
interface Table { headers: string[]; rows: Row[] }

const kib = (bytes: Figure) => (bytes == null ? bytes : bytes / 1024);

const REFERENCE_COLUMNS: Record<string, Column> = {
  'idle CPU %': { decimals: 2, figures: (p) => [p.idle?.serverCpuPercentOfCore] },
  'idle req/s': { decimals: 0, figures: (p) => [p.idle?.requestsPerSecond] },
  'p50 ms': { decimals: 1, figures: (p) => [p.chat?.deliveryLatencyMs.p50] },
  'p99 ms': { decimals: 1, figures: (p) => [p.chat?.deliveryLatencyMs.p99] },
  lost: { decimals: 0, figures: (p) => [p.chat?.lost, p.chat?.deliveriesExpected] },
  dup: { decimals: 0, figures: (p) => [p.chat?.duplicates] },
  'µs/msg': { decimals: 1, figures: (p) => [p.chat?.serverCpuMicrosecondsPerDeliveredMessage] },
  '× ref': { decimals: 2, figures: (p) => [p.chat?.serverCpuPerDeliveryTimesReference] },
};

const TARGETS_COLUMNS: Record<string, Column> = {
  'fan-out p99 (target)': { decimals: 1, figures: (p) => [p.chat?.deliveryLatencyMs.p99] },
  'µs of server CPU per delivery': { decimals: 1, figures: (p) => [p.chat?.serverCpuMicrosecondsPerDeliveredMessage] },
  'idle CPU': { decimals: 2, figures: (p) => [p.idle?.serverCpuPercentOfCore] },
  'RSS per held': { decimals: 1, figures: (p) => [kib(p.idle?.rssPerHeldConnectionBytes)] },
  'lost, duplicates': { decimals: 0, figures: (p) => [p.chat?.lost, p.chat?.duplicates] },
  'bench CPU': { decimals: 0, figures: (p) => [p.chat?.benchCpuPercentOfCore] },
};

/** The text of the section under `## heading`. */
function section(heading: string): string {
  const found = readme.split(/^## /m).find((text) => text.startsWith(`${heading}\n`));
  if (found === undefined) throw new Error(`results/README.md has no section "## ${heading}"`);
  return found;
}

/** The Markdown tables of a section, each row as header → cell. */
function tablesIn(text: string): Table[] {
  const tables: Table[] = [];
  let current: Table | undefined;
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (!line.startsWith('|')) {
      current = undefined;
      continue;
    }
    const cells = line.replace(/^\||\|$/g, '').split('|').map((cell) => cell.trim());
    if (current === undefined) tables.push((current = { headers: cells, rows: [] }));
    else if (!cells.every((cell) => /^:?-+:?$/.test(cell))) current.rows.push(Object.fromEntries(current.headers.map((h, i) => [h, cells[i] ?? ''])));
  }
  return tables;
}

function tableWith(text: string, header: string): Table {
  const table = tablesIn(text).find((t) => t.headers.includes(header));
  if (table === undefined) throw new Error(`no table with a "${header}" column`);
  return table;
}

const numbers = (text: string) => text.match(/-?\d+(?:\.\d+)?/g) ?? [];
const shown = (figures: Figure[], decimals: number) => figures.map((f) => (f == null ? String(f) : f.toFixed(decimals)));

/** Every quoted figure that differs from the JSON, as a readable line. */
function misquoted(results: BenchResults, table: Table, columns: Record<string, Column>): string[] {
  const wrong: string[] = [];
  for (const row of table.rows) {
    const point = results.points.find((p) => String(p.clients) === row.clients && (row.strategy === undefined || p.strategy === row.strategy));
    const name = `${row.strategy ?? point?.strategy ?? '?'} at ${row.clients} clients`;
    if (point === undefined) {
      wrong.push(`${name}: no such point in the JSON`);
      continue;
    }
    for (const [header, cell] of Object.entries(row)) {
      if (header === 'strategy' || header === 'clients') continue;
      const column = columns[header];
      if (column === undefined) {
        wrong.push(`column "${header}" is not declared in this test`);
        continue;
      }
      const withoutTargets = cell.replace(/\([^)]*\)/g, '');
      const medianText = withoutTargets.replace(/\[[^\]]*\]/g, '');
      const minimumText = [...withoutTargets.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] ?? '').join(' ');
      const expected = shown(column.figures(point), column.decimals);
      if (numbers(medianText).join(' ') !== expected.join(' ')) wrong.push(`${name}, ${header}: "${cell}", but the JSON gives ${expected.join(', ')}`);
      if (minimumText === '') continue;
      const expectedMinimum = shown(column.figures(point.minimum ?? {}), column.decimals);
      if (numbers(minimumText).join(' ') !== expectedMinimum.join(' ')) wrong.push(`${name}, ${header}: "${cell}", but the JSON's minimum is ${expectedMinimum.join(', ')}`);
    }
  }
  return wrong;
}

describe('results/README.md quotes results/latest.json', () => {
  const results = load('latest.json');
  const text = section('What the reference run shows');
  const quotedClients = [1000, 5000];

  it('names the commit of the run it describes', () => {
    expect(section('How the reference run was made')).toContain(`\`${results.commit.slice(0, 7)}\``);
  });

  it('has a row for every strategy at 1000 and 5000 clients', () => {
    const rows = tableWith(text, 'p50 ms').rows.map((row) => `${row.strategy} ${row.clients}`);
    expect(rows).toEqual(results.settings.strategies.flatMap((strategy) => quotedClients.map((clients) => `${strategy} ${clients}`)));
  });

  it('quotes every figure as the JSON has it', () => {
    expect(misquoted(results, tableWith(text, 'p50 ms'), REFERENCE_COLUMNS)).toEqual([]);
  });

  it('quotes the notes of those points word for word, all of them', () => {
    const quoted = tableWith(text, 'note').rows.map((row) => `${row.strategy} ${row.clients}: ${row.note}`);
    const recorded = results.points
      .filter((p) => quotedClients.includes(p.clients))
      .flatMap((p) => p.notes.map((note) => `${p.strategy} ${p.clients}: ${note}`));
    expect(quoted.sort()).toEqual(recorded.sort());
  });
});

describe('results/README.md quotes results/long-poll-targets/latest.json', () => {
  const results = load('long-poll-targets/latest.json');
  const table = tableWith(section('The event-driven long poll against its targets'), 'RSS per held');

  it('has a row for every point', () => {
    expect(table.rows.map((row) => row.clients)).toEqual(results.points.map((p) => String(p.clients)));
  });

  it('quotes every median and minimum as the JSON has it', () => {
    expect(misquoted(results, table, TARGETS_COLUMNS)).toEqual([]);
  });
});
