// Every figure a lesson quotes comes from the committed bench run: a
// {{bench: path}} marker is filled in from results/latest.json, and a marker
// that points at nothing fails here rather than showing a made-up number.

import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { benchMarkerPaths, lookUpFigure, MissingFigure, renderBenchFigures } from '../../lessons/bench-figures.ts';
import { loadLessons, PROJECT_ROOT, readLessonMarkdown } from '../../lessons/catalog.ts';

const RESULTS_FILE = `${PROJECT_ROOT}results/latest.json`;

const sample = {
  machine: { cores: 2 },
  points: [
    { strategy: 'short-poll', clients: 100, idle: { requestsPerSecond: 98.7654 } },
    { strategy: 'long-poll', clients: 100, idle: { requestsPerSecond: 4 }, chat: { deliveryLatencyMs: { p99: 12.3456 } } },
  ],
};

describe('bench markers in lessons', () => {
  it('pick a figure by property names and by key=value in lists', () => {
    expect(lookUpFigure(sample, 'machine.cores')).toBe(2);
    expect(lookUpFigure(sample, 'points[strategy=long-poll,clients=100].chat.deliveryLatencyMs.p99')).toBe(12.3456);
  });

  it('fail on a path that leads to nothing, or to something that is not a figure', () => {
    expect(() => lookUpFigure(sample, 'points[strategy=long-poll,clients=5000].idle.requestsPerSecond')).toThrow(MissingFigure);
    expect(() => lookUpFigure(sample, 'machine.cpuModel')).toThrow(MissingFigure);
    expect(() => lookUpFigure(sample, 'points[strategy=short-poll,clients=100].idle')).toThrow(/not at a figure/);
  });

  it('are replaced by their figures, rounded for reading', () => {
    const text = 'Short polling: {{bench: points[strategy=short-poll,clients=100].idle.requestsPerSecond}} requests/s, p99 {{ bench: points[strategy=long-poll,clients=100].chat.deliveryLatencyMs.p99 }} ms.';
    expect(renderBenchFigures(text, sample)).toBe('Short polling: 98.8 requests/s, p99 12.3 ms.');
  });

  it('each point at a figure of the committed run, results/latest.json', () => {
    const markers = loadLessons().flatMap((lesson) => benchMarkerPaths(readLessonMarkdown(lesson)).map((path) => ({ file: lesson.file, path })));
    expect(markers.length).toBeGreaterThan(0);
    expect(existsSync(RESULTS_FILE), `the lessons quote ${markers.length} figures from results/latest.json, which does not exist: run npm run bench and commit its result`).toBe(true);
    const results = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as unknown;
    const missing = markers.filter(({ path }) => {
      try {
        lookUpFigure(results, path);
        return false;
      } catch (error) {
        if (error instanceof MissingFigure) return true;
        throw error;
      }
    });
    expect(missing.map(({ file, path }) => `lessons/${file}: {{bench: ${path}}}`)).toEqual([]);
  });
});
