// Figures in the lessons come from the committed bench run, never from memory.
//
// A lesson writes a marker where a measured figure belongs:
//
//   {{bench: points[strategy=long-poll,clients=1000].chat.deliveryLatencyMs.p99}}
//
// and whoever shows the lesson (the command line, the browser's Lessons panel)
// replaces it with that value from results/latest.json. A path is a chain of
// property names separated by dots; `name[key=value,...]` picks, from the
// array `name`, the one element whose fields have those values.
// This file has no Node imports so the browser can use it as it is.

/** Matches one marker; the path is group 1. */
export const BENCH_MARKER = /\{\{\s*bench:\s*([^}]+?)\s*\}\}/g;

/** A marker whose path leads to nothing (or to something that is not a figure). */
export class MissingFigure extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`{{bench: ${path}}}: ${reason}`);
    this.name = 'MissingFigure';
  }
}

/** Every marker path in a lesson's Markdown, in order. */
export function benchMarkerPaths(markdown: string): string[] {
  return [...markdown.matchAll(BENCH_MARKER)].map((match) => match[1]);
}

/** The value a path points at in a results object; throws MissingFigure if it points at nothing. */
export function lookUpFigure(results: unknown, path: string): number | string | boolean {
  let here: unknown = results;
  for (const step of path.split('.')) {
    const selector = /^([\w-]+)(?:\[([^\]]+)\])?$/.exec(step);
    if (!selector) throw new MissingFigure(path, `"${step}" is not a property name or name[key=value]`);
    const [, name, filter] = selector;
    here = isObject(here) ? here[name] : undefined;
    if (filter !== undefined) here = pickElement(here, filter);
    if (here === undefined || here === null) throw new MissingFigure(path, `nothing at "${step}"`);
  }
  if (typeof here === 'number' || typeof here === 'string' || typeof here === 'boolean') return here;
  throw new MissingFigure(path, 'points at an object or a list, not at a figure');
}

/** Replace every marker with its figure, as text a reader can take in: at most 3 significant digits after the point. */
export function renderBenchFigures(markdown: string, results: unknown): string {
  return markdown.replace(BENCH_MARKER, (_marker, path: string) => formatFigure(lookUpFigure(results, path)));
}

export function formatFigure(value: number | string | boolean): string {
  if (typeof value !== 'number') return String(value);
  const rounded = Math.abs(value) >= 100 ? Math.round(value) : Number(value.toPrecision(3));
  return rounded.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

/** From an array, the one element whose fields equal every key=value of the filter. */
function pickElement(list: unknown, filter: string): unknown {
  if (!Array.isArray(list)) return undefined;
  const wanted = filter.split(',').map((pair) => pair.split('=').map((part) => part.trim()));
  return list.find((element) => isObject(element) && wanted.every(([key, value]) => String(element[key]) === value));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
