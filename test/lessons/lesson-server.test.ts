// What `npm run lesson -- <n>` serves: a room of the lesson's own, empty at
// every start unless kept; the lesson's flags with the student's on top; the
// page built as `npm start` builds it; and with --exercise, the student's
// copy in place of the project's code, be it a strategy or a module of the page.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findLesson, type Lesson, type LessonServer } from '../../lessons/catalog.ts';
import { longPollMtime } from '../../strategies/long-poll-mtime.ts';
import { startLessonServer, type LessonServerOptions, type RunningLesson } from '../../lessons/lesson-server.ts';
import type { Config, MessagesPage } from '../../wire/types.ts';
import { getJson, post } from '../support/server.ts';

/** Building the page takes a few seconds on a busy 2-core machine. */
const TEST_LIMIT_MS = 60_000;

let dataDir: string;
let running: RunningLesson | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pollbench-lesson-server-'));
});

afterEach(async () => {
  await running?.shell.close();
  running = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

function lesson(number: number): Lesson & { server: LessonServer } {
  const found = findLesson(number);
  if (!found?.server) throw new Error(`lesson ${number} has no server in lessons/index.json`);
  return found as Lesson & { server: LessonServer };
}

async function serve(number: number, options: Partial<LessonServerOptions> = {}): Promise<RunningLesson> {
  running = await startLessonServer(lesson(number), { port: 0, host: '127.0.0.1', dataDir, keep: false, exercise: false, flags: {}, ...options });
  return running;
}

/** A message log as the room writes it, left in the lesson's folder by an earlier run. */
async function leaveAnEarlierMessage(number: number): Promise<void> {
  await mkdir(join(dataDir, `lesson-${number}`), { recursive: true });
  await writeFile(join(dataDir, `lesson-${number}`, 'messages.jsonl'), `${JSON.stringify({ id: '7', author: 'ann', text: 'from last week', ts: 1 })}\n`);
}

describe('npm run lesson -- <n>', () => {
  it('starts each lesson in an empty room of its own, under <data-dir>/lesson-<n>/', async () => {
    await leaveAnEarlierMessage(2);
    const { shell, roomDir } = await serve(2);
    expect(roomDir).toBe(join(dataDir, 'lesson-2'));
    const history = await getJson<MessagesPage>(`${shell.url}/api/short-poll/messages`);
    expect(history.body.messages).toEqual([]);
    expect((await post(shell, 'short-poll', { author: 'bob', text: 'first of the lesson' })).body).toMatchObject({ id: '1' });
  }, TEST_LIMIT_MS);

  it('keeps the room from last time with --keep', async () => {
    await leaveAnEarlierMessage(2);
    const { shell } = await serve(2, { keep: true });
    const history = await getJson<MessagesPage>(`${shell.url}/api/short-poll/messages`);
    expect(history.body.messages.map((message) => message.text)).toEqual(['from last week']);
  }, TEST_LIMIT_MS);

  it("applies the lesson's flags, and the student's on top of them", async () => {
    const lessonOwn = await serve(4);
    const own = await getJson<Config>(`${lessonOwn.shell.url}/api/config`);
    expect(own.body.strategies.find((strategy) => strategy.name === 'long-poll')).toMatchObject({ holdTimeoutMs: lesson(4).server.flags?.['hold-timeout'] });
    await lessonOwn.shell.close();

    const given = await serve(4, { flags: { 'hold-timeout': 4321, 'poll-interval': 700 } });
    const config = await getJson<Config>(`${given.shell.url}/api/config`);
    expect(config.body.strategies.find((strategy) => strategy.name === 'long-poll')).toMatchObject({ holdTimeoutMs: 4321 });
    expect(config.body.strategies.find((strategy) => strategy.name === 'short-poll')).toMatchObject({ pollIntervalMs: 700 });
    expect(given.equivalentCommand).toContain('--hold-timeout 4321');
  }, TEST_LIMIT_MS);

  it('serves the page, built as npm start builds it', async () => {
    const { shell } = await serve(0);
    const script = await fetch(`${shell.url}/dist/chat.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(await script.text()).toContain('web/transports/poll-delay.ts');
  }, TEST_LIMIT_MS);

  it("with --exercise in lesson 2, serves a page built around the student's nextPollDelay, polling from its minMs", async () => {
    const { shell } = await serve(2, { exercise: true });
    const script = await (await fetch(`${shell.url}/dist/chat.js`)).text();
    expect(script).toContain('lessons/exercises/lesson-2/adaptive-delay.ts');
    expect(script).not.toContain('web/transports/poll-delay.ts');
    const config = await getJson<Config>(`${shell.url}/api/config`);
    expect(config.body.strategies.find((strategy) => strategy.name === 'short-poll')).toMatchObject({ pollIntervalMs: 250 });
  }, TEST_LIMIT_MS);

  it("with --exercise in lesson 3, mounts the student's strategy in place of the project's", async () => {
    const { shell } = await serve(3, { exercise: true });
    const config = await getJson<Config>(`${shell.url}/api/config`);
    const served = config.body.strategies.find((strategy) => strategy.name === 'long-poll-mtime');
    expect(served).toBeDefined();
    expect(served?.summary).not.toBe(longPollMtime.summary);
  }, TEST_LIMIT_MS);
});
