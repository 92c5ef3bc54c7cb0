// The doc-test of the lessons, shared by the files that run it
// (commands-lessons-*.test.ts, each a group of lessons, so the slow ones
// run on both of the test runner's workers): every shell block of a lesson,
// in order, as lesson-commands.ts explains.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLessons, readLessonMarkdown } from '../../../lessons/catalog.ts';
import { shellBlocks } from '../../../lessons/markdown-blocks.ts';
import { describeFailure, missingPrograms, namedPort, runBlock, startServerBlock, type LessonServerProcess, type PortMap } from './lesson-commands.ts';

/** Room for the bench runs and the held requests some lessons time on purpose. */
const LESSON_LIMIT_MS = 600_000;

/** The lessons each doc-test file runs; together, every lesson (commands.test.ts checks it). */
export const LESSON_GROUPS = [[0, 1, 2, 3, 4], [5, 6], [7, 8]] as const;

/**
 * One case per lesson of the group: its Chinese twin (lessons/zh-CN/) holds
 * the very same shell blocks, which the case asserts first, so running them
 * once runs the commands of both languages. A lesson that runs a program Node
 * does not bring (redis-server, nginx) is skipped, saying why, where that
 * program is missing, but fails under CI.
 */
export function describeLessonCommands(group: readonly number[]): void {
  describe('the commands of the lessons', () => {
    for (const lesson of loadLessons().filter((each) => group.includes(each.number))) {
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
  });
}

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
