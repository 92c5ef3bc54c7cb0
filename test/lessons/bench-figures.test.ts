// Every figure a lesson quotes comes from the committed bench run: a
// {{bench: path}} marker is filled in from results/latest.json, and a marker
// that points at nothing fails here rather than showing a made-up number.
// One renderer (wire/lesson.ts) fills them for the terminal and the browser.

import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fillInFigures, readBenchResults, RESULTS_FILE } from '../../lessons/bench-figures.ts';
import { loadLessons, readLessonMarkdown } from '../../lessons/catalog.ts';
import { benchMarkerPaths, lookUpFigure, MissingFigure, renderBenchMarkers } from '../../wire/lesson.ts';

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
    expect(renderBenchMarkers(text, sample)).toBe('Short polling: 98.8 requests/s, p99 12.3 ms.');
    expect(() => renderBenchMarkers('{{bench: machine.cpuModel}}', sample)).toThrow(MissingFigure);
  });

  it('read in the terminal, say where a missing figure would come from', () => {
    const text = 'cores: {{bench: machine.cores}}, model: {{bench: machine.cpuModel}}';
    expect(fillInFigures(text, sample)).toBe('cores: 2, model: [no figure at machine.cpuModel in the bench results]');
    expect(fillInFigures(text, undefined)).toBe(
      'cores: [a figure from results/latest.json: run npm run bench first], model: [a figure from results/latest.json: run npm run bench first]',
    );
  });

  it('each point at a figure of the committed run, results/latest.json', () => {
    const markers = loadLessons().flatMap((lesson) => benchMarkerPaths(readLessonMarkdown(lesson)).map((path) => ({ file: lesson.file, path })));
    expect(markers.length).toBeGreaterThan(0);
    expect(existsSync(RESULTS_FILE), `the lessons quote ${markers.length} figures from results/latest.json, which does not exist: run npm run bench and commit its result`).toBe(true);
    const results = readBenchResults();
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
