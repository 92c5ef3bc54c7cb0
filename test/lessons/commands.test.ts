// The lessons never rot: every shell command in every lesson runs, as
// written, against a real server, in the commands-lessons-*.test.ts files
// (support/run-lesson.ts), each lesson in the language it is written in and
// its Chinese twin at once. How commands are adapted to run unattended (free
// ports, a temporary data folder, short bench runs) is explained at the top
// of support/lesson-commands.ts; blocks marked `sh by-hand` are not run. A
// failure names the lesson, the line of the block and the command that failed.
// This file checks the rules themselves, and that every lesson is run.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLessons, readLessonMarkdown } from '../../lessons/catalog.ts';
import { shellBlocks } from '../../lessons/markdown-blocks.ts';
import { rewriteForTest, runBlock, type PortMap } from './support/lesson-commands.ts';
import { LESSON_GROUPS } from './support/run-lesson.ts';
/** Commands a student must run by hand are allowed, but only a few in the whole course. */
const MAX_BY_HAND_BLOCKS = 5;

describe('the commands of the lessons', () => {
  it('are all run, each lesson by one of the commands-lessons-*.test.ts files', () => {
    expect([...LESSON_GROUPS.flat()].sort((a, b) => a - b)).toEqual(loadLessons().map((lesson) => lesson.number));
  });

  it('include only a few that must be run by hand', () => {
    const byHand = loadLessons().flatMap((lesson) => shellBlocks(readLessonMarkdown(lesson)).filter((block) => block.kind === 'by-hand'));
    expect(byHand.length).toBeLessThanOrEqual(MAX_BY_HAND_BLOCKS);
  });

  it('point commands at the server the lesson started, and keep bench runs short', () => {
    const server = { port: 45678, command: 'npm start', stop: async () => {} };
    const rewritten = rewriteForTest('curl -s localhost:3000/api/stats\ncat data/data.txt\nnpm run bench -- --quick --clients 10,100 --duration 5', server, '/tmp/x');
    expect(rewritten).toBe('curl -s 127.0.0.1:45678/api/stats\ncat /tmp/x/data.txt\nnpm run bench -- --quick --clients 3 --duration 1 --out /tmp/x/bench');
    expect(() => rewriteForTest('curl -s localhost:3000/api/stats', undefined, '/tmp/x')).toThrow(/no `sh server` block/);
  });

  it('give each server a lesson starts on a port of its own a free port, everywhere that port is written', () => {
    const ports: PortMap = new Map([[6390, 41001], [3001, 41002]]);
    const rewritten = rewriteForTest('redis-cli -u redis://127.0.0.1:6390 ping\ncurl -s localhost:3001/api/stats\ncurl -s localhost:30010/x', undefined, '/tmp/x', ports);
    expect(rewritten).toBe('redis-cli -u redis://127.0.0.1:41001 ping\ncurl -s 127.0.0.1:41002/api/stats\ncurl -s localhost:30010/x');
  });

  it('stop a block at its first failing command, and name it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pollbench-doc-test-'));
    try {
      const run = await runBlock({ kind: 'run', code: 'echo first\nfalse\necho never', line: 1 }, undefined, dataDir);
      expect(run.exitCode).toBe(1);
      expect(run.failedCommand).toBe('false');
      expect(run.stdout).toBe('first\n');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

