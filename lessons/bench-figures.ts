// A lesson's figures as the command line shows them (`npm run lesson -- show 3`):
// each {{bench: ...}} marker filled in from the committed bench run,
// results/latest.json, by the renderer every side shares (wire/lesson.ts).
// A clone where the bench has not run still prints the lesson, saying where
// the figure would come from.

import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { renderBenchMarkers } from '../wire/lesson.ts';
import { PROJECT_ROOT } from './catalog.ts';
import { say } from './language.ts';

export const RESULTS_FILE = `${PROJECT_ROOT}results/latest.json`;

/** The committed bench run, parsed; undefined if there is none. */
export function readBenchResults(): unknown {
  return existsSync(RESULTS_FILE) ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as unknown) : undefined;
}

/** Replace each marker with its figure from `results` (readBenchResults()), or say how to get one. */
export function fillInFigures(markdown: string, results: unknown): string {
  return renderBenchMarkers(markdown, results, (figure) => {
    if ('text' in figure) return figure.text;
    const file = relative(PROJECT_ROOT, RESULTS_FILE);
    if (results === undefined) return say(`[a figure from ${file}: run npm run bench first]`, `[此处的数据来自 ${file}：请先运行 npm run bench]`);
    return say(`[no figure at ${figure.path} in the bench results]`, `[压测结果中没有 ${figure.path} 这项数据]`);
  });
}
