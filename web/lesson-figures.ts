// Measured figures in a lesson, filled in from the committed bench run
// (/results/latest.json) by the renderer the command line uses too: see
// wire/lesson.ts for the {{bench: ...}} markers.
//
// What a marker shows when there is no figure (no bench run, or one that did
// not measure that strategy) is in the catalog: figures.noBenchRun, figures.notMeasured.

import { renderBenchMarkers } from '../wire/lesson.ts';
import { pageText } from './i18n/page-language.ts';

/** The bench results, or the note every marker shows instead. */
export type BenchResults = { results: unknown } | { unavailable: string };

export async function fetchBenchResults(): Promise<BenchResults> {
  const words = pageText().figures;
  let response: Response;
  try {
    response = await fetch('/results/latest.json');
  } catch {
    return { unavailable: words.unreachable };
  }
  if (response.status === 404) return { unavailable: words.noBenchRun };
  if (!response.ok) return { unavailable: words.answered(response.status) };
  try {
    return { results: await response.json() };
  } catch {
    return { unavailable: words.notJson };
  }
}

/**
 * Replace each marker with its figure inside <span class="bench-figure">, or
 * with a note saying why there is none: a lesson still reads when the bench
 * has not been run on this clone. The span is HTML inside the Markdown, so it
 * goes through the sanitizer with the rest of the lesson.
 */
export function fillBenchFigures(markdown: string, bench: BenchResults): string {
  const words = pageText().figures;
  const results = 'results' in bench ? bench.results : undefined;
  return renderBenchMarkers(markdown, results, (figure) => {
    const title = escapeHtml(words.source(figure.path));
    if ('text' in figure) return `<span class="bench-figure" title="${title}">${escapeHtml(figure.text)}</span>`;
    const note = 'unavailable' in bench ? bench.unavailable : words.notMeasured;
    return `<span class="bench-figure missing" title="${title}">${escapeHtml(note)}</span>`;
  });
}

/** Also escapes "|", which would split a Markdown table cell the marker sits in. */
function escapeHtml(text: string): string {
  const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '|': '&#124;' };
  return text.replace(/[&<>"'|]/g, (character) => entities[character]);
}
