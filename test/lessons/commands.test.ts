// The lessons never rot: every shell command in every lesson runs here, as
// written, against a real server. How commands are adapted to run unattended
// (free ports, a temporary data folder, short bench runs) is explained at the
// top of support/lesson-commands.ts; blocks marked `sh by-hand` are not run.
// A failure names the lesson, the line of the block and the command that failed.
// Each lesson's Chinese twin (lessons/zh-CN/) holds the very same shell
// blocks, which each case asserts first: running them once runs the commands
// of both languages.
// A lesson that runs a program Node does not bring (redis-server, nginx) is skipped,
// saying why, where that program is missing, but fails under CI.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLessons, readLessonMarkdown } from '../../lessons/catalog.ts';
import { shellBlocks } from '../../lessons/markdown-blocks.ts';
import { describeFailure, missingPrograms, namedPort, rewriteForTest, runBlock, startServerBlock, type LessonServerProcess, type PortMap } from './support/lesson-commands.ts';

/** Room for the bench runs and the held requests some lessons time on purpose. */
const LESSON_LIMIT_MS = 600_000;
/** Commands a student must run by hand are allowed, but only a few in the whole course. */
const MAX_BY_HAND_BLOCKS = 5;

describe('the commands of the lessons', () => {
  for (const lesson of loadLessons()) {
    const markdown = readLessonMarkdown(lesson);
    const missing = missingPrograms(shellBlocks(markdown));
    const skip = missing.length > 0 && !process.env.CI;
    if (skip) console.warn(`Skipping the commands of lessons/${lesson.file}: ${missing.join(' and ')} not installed (apt-get install -y redis-server nginx-light). Under CI this fails instead.`);
    it.skipIf(skip)(`all work as written in lessons/${lesson.file} and lessons/zh-CN/${lesson.file}`, async () => {
      expect(missing, `lessons/${lesson.file} runs programs this machine lacks (apt-get install -y redis-server nginx-light)`).toEqual([]);
      const commandsOf = (text: string) => shellBlocks(text).map(({ kind, code }) => ({ kind, code }));
      expect(commandsOf(readLessonMarkdown(lesson, 'zh-CN')), `lessons/zh-CN/${lesson.file} has other commands than lessons/${lesson.file}`).toEqual(commandsOf(markdown));
      const failures = await runLessonCommands(lesson.file, markdown);
      expect(failures, `\n${failures.join('\n\n')}\n`).toEqual([]);
    }, LESSON_LIMIT_MS);
  }

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

/** Run a lesson's blocks in order; returns one description per failed block. */
async function runLessonCommands(file: string, markdown: string): Promise<string[]> {
  const dataDir = await mkdtemp(join(tmpdir(), `pollbench-lesson-${file.slice(0, 2)}-`));
  const failures: string[] = [];
  let server: LessonServerProcess | undefined;
  /** Rule 1b servers (a Redis, servers on their own ports): they run side by side until the lesson ends. */
  const sideBySide: LessonServerProcess[] = [];
  const ports: PortMap = new Map();
  try {
    for (const block of shellBlocks(markdown)) {
      if (block.kind === 'by-hand') continue;
      if (block.kind === 'server' && namedPort(block) !== undefined) {
        // The same port again: that process is started anew with other flags, as after a Ctrl-C.
        const previous = sideBySide.findIndex((running) => running.port === ports.get(namedPort(block)!));
        if (previous >= 0) await sideBySide.splice(previous, 1)[0].stop();
        try {
          sideBySide.push(await startServerBlock(block, dataDir, ports, server));
        } catch (error) {
          failures.push(`lessons/${file}, server block at line ${block.line}: ${(error as Error).message}`);
        }
        continue;
      }
      if (block.kind === 'server') {
        await server?.stop();
        server = undefined;
        try {
          server = await startServerBlock(block, dataDir, ports);
        } catch (error) {
          failures.push(`lessons/${file}, server block at line ${block.line}: ${(error as Error).message}`);
        }
        continue;
      }
      let run;
      try {
        run = await runBlock(block, server, dataDir, ports);
      } catch (error) {
        failures.push(`lessons/${file}, block at line ${block.line}: ${(error as Error).message}`);
        continue;
      }
      if (run.exitCode !== 0 || run.timedOut) failures.push(describeFailure(file, block, run, server));
    }
  } finally {
    await server?.stop();
    // Newest first: the servers stop before the Redis they use.
    for (const running of sideBySide.reverse()) await running.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  return failures;
}
