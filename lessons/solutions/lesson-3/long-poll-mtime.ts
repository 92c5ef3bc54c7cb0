// REFERENCE SOLUTION to the exercises of lesson 3: the data-file long poll with a
// hold timeout and a millisecond mtime. Your own copy is lessons/exercises/lesson-3/.
//
// It behaves like strategies/long-poll-mtime.ts with its defaults: one data
// file holding the last message, a cursor that is the file's mtime in whole
// seconds, a stat every `mtime-check-ms`, and no hold timeout. Two exercises
// change it (lessons/exercises/lesson-3/problem.md says more):
//
//   A. Hold timeout: a request that has waited `mtime-hold-timeout` ms is
//      answered with no messages and the cursor it came with (0 = wait for ever).
//   B. Resolution: compare the mtime in milliseconds, not whole seconds.
//
// Checked by: npm run lesson -- verify 3 --solution
//
// What remains (and what lesson 4 fixes): the file still holds one message,
// so two posts close together still lose the first for anyone not asking.

import { mkdirSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpError } from '../../../http/http-error.ts';
import { replyJson } from '../../../http/reply.ts';
import type { StrategyContext, Strategy, StrategyServer } from '../../../strategies/strategy.ts';
import type { Draft, Message, MessagesPage } from '../../../wire/types.ts';

const DATA_FILE = 'data.txt';
/** Exercise B: milliseconds, so a second message in the same second moves the cursor. */
const MTIME_RESOLUTION_MS = 1;

export const longPollMtime: Strategy = {
  name: 'long-poll-mtime',
  delivery: 'held-poll',
  summary: 'The data-file long poll with a hold timeout and a millisecond mtime (lesson 3, solved).',
  options: [
    { flag: 'mtime-check-ms', describe: 'Milliseconds between two stats of the data file', default: 100, min: 1 },
    { flag: 'mtime-hold-timeout', describe: 'Milliseconds before a waiting request is answered empty (0 = never)', default: 0 },
  ],
  start: (context) => new DataFileWatch(context),
};

class DataFileWatch implements StrategyServer {
  readonly clientSettings: Record<string, number>;
  private readonly dataFile: string;
  /** Waiting responses, with the cursor each came with. */
  private readonly waiting = new Map<ServerResponse, string>();
  private lastWrite: Promise<void> = Promise.resolve();
  private readonly unsubscribe: () => void;

  constructor(private readonly context: StrategyContext) {
    mkdirSync(context.dataDir, { recursive: true });
    this.dataFile = join(context.dataDir, DATA_FILE);
    this.clientSettings = { checkEveryMs: context.settings.mtimeCheckMs, holdTimeoutMs: context.settings.mtimeHoldTimeout };
    // Every message overwrites the file: it only ever holds the last one.
    this.unsubscribe = context.room.subscribe((message) => {
      this.lastWrite = this.lastWrite
        .then(() => writeFile(this.dataFile, JSON.stringify(message)))
        .catch((error) => console.error(`could not write ${this.dataFile}: ${error}`));
    });
  }

  async post(draft: Draft): Promise<Message> {
    const message = await this.context.room.append(draft);
    await this.lastWrite;
    return message;
  }

  async receive(_request: unknown, response: ServerResponse, since: string | undefined): Promise<void> {
    if (since === undefined) return replyJson(response, 200, await this.readDataFile(await this.modifiedTime()));
    if (!/^\d{1,15}$/.test(since)) throw new HttpError(400, 'cursor must be an mtime in epoch ms (digits)');
    const lastModified = Number(since);

    const holdTimeoutMs = this.context.settings.mtimeHoldTimeout;
    const giveUpAt = holdTimeoutMs > 0 ? Date.now() + holdTimeoutMs : Infinity;
    this.waiting.set(response, since);
    try {
      let currentModified = await this.modifiedTime();
      while (currentModified <= lastModified) {
        await sleep(this.context.settings.mtimeCheckMs);
        if (response.destroyed || response.writableEnded) return; // the client left, or the server closed
        // Exercise A: nothing came in time; the client asks again with the same cursor.
        if (Date.now() >= giveUpAt) return replyJson(response, 200, { messages: [], cursor: since });
        currentModified = await this.modifiedTime();
      }
      replyJson(response, 200, await this.readDataFile(currentModified));
    } finally {
      this.waiting.delete(response);
    }
  }

  heldCount(): number {
    return this.waiting.size;
  }

  async close(): Promise<void> {
    this.unsubscribe();
    for (const [response, since] of this.waiting) replyJson(response, 200, { messages: [], cursor: since }, { Connection: 'close' });
    await this.lastWrite;
  }

  /** The data file's mtime, cut to the resolution (exercise B: milliseconds); 0 before the first message. */
  private async modifiedTime(): Promise<number> {
    try {
      const { mtimeMs } = await stat(this.dataFile);
      return Math.floor(mtimeMs / MTIME_RESOLUTION_MS) * MTIME_RESOLUTION_MS;
    } catch {
      return 0; // no file: nothing was posted yet
    }
  }

  private async readDataFile(modified: number): Promise<MessagesPage> {
    try {
      return { messages: [JSON.parse(await readFile(this.dataFile, 'utf8')) as Message], cursor: String(modified) };
    } catch {
      return { messages: [], cursor: String(modified) }; // no file yet, or caught half-written
    }
  }
}
