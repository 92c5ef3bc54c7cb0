// Nothing accepted is lost: the room is logged to --data-dir before a post is
// answered, rebuilt from the log on start, and survives a crash and a stop.

import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryRoom } from '../../room/memory-room.ts';
import { LOG_FILE_NAME } from '../../room/message-log.ts';
import { startShell } from '../../shell/shell.ts';
import type { Message } from '../../wire/types.ts';
import { eventually, heldBecomes, post, receive } from '../support/server.ts';
import { startServerProcess } from './support/server-process.ts';

describe('the message log', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pollbench-log-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  async function history(server: { url: string }): Promise<Message[]> {
    return (await receive(server, 'short-poll', '0')).body.messages;
  }

  it('brings the history back after a restart, and ids carry on where they stopped', async () => {
    const first = await startShell({ port: 0, dataDir });
    for (const text of ['one', 'two', 'three']) await post(first, 'long-poll', { author: 'ann', text });
    const before = await history(first);
    await first.close();

    const second = await startShell({ port: 0, dataDir });
    try {
      expect(await history(second)).toEqual(before);
      expect((await post(second, 'long-poll', { author: 'bob', text: 'four' })).body.id).toBe('4');
    } finally {
      await second.close();
    }
  });

  it('skips a torn last line with a warning, and appends cleanly after it', async () => {
    const logFile = join(dataDir, LOG_FILE_NAME);
    const good = [1, 2].map((id) => JSON.stringify({ id: String(id), author: 'ann', text: `line ${id}`, ts: 1 }) + '\n');
    await writeFile(logFile, good.join('') + '{"id":"3","author":"ann","te');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const server = await startShell({ port: 0, dataDir });
    try {
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/torn last line/));
      expect((await history(server)).map((message) => message.text)).toEqual(['line 1', 'line 2']);
      expect((await post(server, 'short-poll', { author: 'bob', text: 'after the crash' })).body.id).toBe('3');
    } finally {
      await server.close();
      warn.mockRestore();
    }
    const lines = (await readFile(logFile, 'utf8')).trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line).text)).toEqual(['line 1', 'line 2', 'after the crash']);
  });

  it('skips a corrupt line in the middle with a warning and keeps the rest', async () => {
    const logFile = join(dataDir, LOG_FILE_NAME);
    await writeFile(logFile, JSON.stringify({ id: '1', author: 'ann', text: 'kept', ts: 1 }) + '\n');
    await appendFile(logFile, 'not json at all\n' + JSON.stringify({ id: '2', author: 'ann', text: 'also kept', ts: 2 }) + '\n');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const server = await startShell({ port: 0, dataDir });
    try {
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/:2: skipping/));
      expect((await history(server)).map((message) => message.text)).toEqual(['kept', 'also kept']);
    } finally {
      await server.close();
      warn.mockRestore();
    }
  });

  it('answers a post only once its line is written, and shows it to nobody before', async () => {
    let finishWrite: (() => void) | undefined;
    const slowLog = {
      append: () => new Promise<void>((resolve) => (finishWrite = resolve)),
      close: async () => {},
    };
    const server = await startShell({ port: 0, dataDir, room: new MemoryRoom({ log: slowLog }) });
    try {
      let answered = false;
      const posting = post(server, 'long-poll', { author: 'ann', text: 'wait for the disk' }).then((answer) => ((answered = true), answer));
      await eventually(() => finishWrite !== undefined, 'the post reached the log');
      expect((await receive(server, 'short-poll', '0')).body.messages).toEqual([]);
      expect(answered).toBe(false);
      finishWrite!();
      expect((await posting).status).toBe(201);
      expect((await history(server)).map((message) => message.text)).toEqual(['wait for the disk']);
    } finally {
      await server.close();
    }
  });

  it('keeps every message that got a 201, once, when the server is killed in the middle of 500 posts', async () => {
    const server = await startServerProcess(['--data-dir', dataDir]);
    const accepted = new Map<string, string>();
    let sent = 0;
    // Ten posters share 500 posts; the server is killed once half of them are answered.
    const poster = async (which: number) => {
      while (sent < 500) {
        const text = `post ${sent++} from poster ${which}`;
        try {
          const { status, body } = await post(server, 'long-poll', { author: `poster${which}`, text });
          if (status === 201) accepted.set(body.id, text);
        } catch {
          return; // the server is gone: this post was never answered, so it may or may not be kept
        }
        if (accepted.size === 250) server.child.kill('SIGKILL');
      }
    };
    await Promise.all(Array.from({ length: 10 }, (_, which) => poster(which)));
    expect(await server.exited).toBe('SIGKILL');
    expect(accepted.size).toBeGreaterThanOrEqual(250);
    expect(sent).toBeLessThan(500);

    const restarted = await startServerProcess(['--data-dir', dataDir]);
    try {
      const kept = await history(restarted);
      const ids = kept.map((message) => message.id);
      expect(new Set(ids).size).toBe(ids.length); // nothing twice
      const textById = new Map(kept.map((message) => [message.id, message.text]));
      for (const [id, text] of accepted) expect(textById.get(id)).toBe(text);
    } finally {
      restarted.child.kill('SIGKILL');
      await restarted.exited;
    }
  });

  it('on SIGTERM answers every held request, writes the log and exits 0 within 2 seconds', async () => {
    const server = await startServerProcess(['--data-dir', dataDir]);
    const { body: start } = await receive(server, 'long-poll');
    const held = [receive(server, 'long-poll', start.cursor), receive(server, 'long-poll', start.cursor)];
    await heldBecomes(server, 'long-poll', 2);
    const heldMtime = receive(server, 'long-poll-mtime', '99999999999999');
    await heldBecomes(server, 'long-poll-mtime', 1);
    // Posts whose answers are still on their way when the signal arrives.
    const posts = Array.from({ length: 20 }, (_, i) => post(server, 'short-poll', { author: 'ann', text: `last words ${i}` }).catch(() => undefined));
    await new Promise((resolve) => setImmediate(resolve));

    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(2000);
    for (const answer of await Promise.all([...held, heldMtime])) expect(answer.status).toBe(200);
    const acceptedIds = (await Promise.all(posts)).filter((answer) => answer?.status === 201).map((answer) => answer!.body.id);

    const restarted = await startServerProcess(['--data-dir', dataDir]);
    try {
      const keptIds = (await history(restarted)).map((message) => message.id);
      expect(keptIds).toEqual(expect.arrayContaining(acceptedIds));
    } finally {
      restarted.child.kill('SIGKILL');
      await restarted.exited;
    }
  });
});
