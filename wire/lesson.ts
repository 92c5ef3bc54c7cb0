// A lesson as the course lists it, and the grammar its Markdown adds: the
// word after a shell fence's language, and the {{bench: ...}} markers. The
// command line (lessons/), the browser's Lessons panel (web/) and the tests
// all read lessons through this file. Plain TypeScript with no Node or DOM
// imports, so both sides can load it.
//
// A lesson writes a marker where a measured figure belongs:
//
//   {{bench: points[strategy=long-poll,clients=1000].chat.deliveryLatencyMs.p99}}
//
// and whoever shows the lesson replaces it with that value from the committed
// bench run, results/latest.json (renderBenchMarkers, the one renderer). A
// path is a chain of property names separated by dots; `name[key=value,...]`
// picks, from the array `name`, the one element whose fields have those values.

import type { Language } from './language.ts';

/** The server a lesson works against, as `npm start` flags. */
export interface LessonServer {
  /** The default strategy (--strategy). */
  strategy: string;
  /** Other flags, by name without dashes: { "hold-timeout": 10000 }. */
  flags?: Record<string, number>;
}

export interface Lesson {
  number: number;
  /** The English Markdown file, relative to lessons/; each translation has the same name in its language's folder (lessonFileIn). */
  file: string;
  title: string;
  /** The title in each other language the course is written in: { "zh-CN": "短轮询" }. */
  titles: Partial<Record<Exclude<Language, 'en'>, string>>;
  /** Class time it is written for. */
  minutes: number;
  /** The source files it explains, relative to the project root. */
  teaches: string[];
  /** What `npm run lesson -- <n>` starts; none for lessons that start their own processes. */
  server?: LessonServer;
  /** The student's working copy for `npm run lesson -- verify <n>`, relative to lessons/exercises/ (and lessons/solutions/). */
  exercise?: string;
}

/** A lesson's title in a language, the English where it has no translation. */
export function lessonTitle(lesson: Lesson, language: Language): string {
  return language === 'en' ? lesson.title : (lesson.titles[language] ?? lesson.title);
}

/** lessons/index.json, the one list of lessons. */
export interface LessonIndex {
  lessons: Lesson[];
}

/**
 * The word after a shell fence's language (```sh server) and what it means;
 * a fence with none is run as it is. GitHub and marked read only the first
 * word ("sh") as the language.
 */
export const FENCE_NOTES = {
  server: 'starts the server: leave it running and use another terminal for the next blocks',
  'by-hand': 'run it yourself when the lesson says so',
} as const;

export type FenceNote = keyof typeof FENCE_NOTES;

export function isFenceNote(word: string): word is FenceNote {
  return Object.hasOwn(FENCE_NOTES, word);
}

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

/** What one marker comes to: its figure as text, or why there is none. */
export type MarkedFigure = { path: string; text: string } | { path: string; missing: MissingFigure };

/** Every marker path in a lesson's Markdown, in order. */
export function benchMarkerPaths(markdown: string): string[] {
  return [...markdown.matchAll(BENCH_MARKER)].map((match) => match[1]);
}

/**
 * Replace every marker with what `show` makes of its figure. `results` is the
 * parsed bench run, undefined when there is none (every figure is then
 * missing). By default a missing figure throws: the text must not carry a
 * marker nobody can fill.
 */
export function renderBenchMarkers(markdown: string, results: unknown, show: (figure: MarkedFigure) => string = figureOrThrow): string {
  return markdown.replace(BENCH_MARKER, (_marker, path: string) => show(figureAt(results, path)));
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

/** A figure as text a reader can take in: at most 3 significant digits after the point. */
export function formatFigure(value: number | string | boolean): string {
  if (typeof value !== 'number') return String(value);
  const rounded = Math.abs(value) >= 100 ? Math.round(value) : Number(value.toPrecision(3));
  return rounded.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

function figureAt(results: unknown, path: string): MarkedFigure {
  try {
    return { path, text: formatFigure(lookUpFigure(results, path)) };
  } catch (error) {
    if (error instanceof MissingFigure) return { path, missing: error };
    throw error;
  }
}

function figureOrThrow(figure: MarkedFigure): string {
  if ('missing' in figure) throw figure.missing;
  return figure.text;
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
