// REFERENCE SOLUTION to the exercise of lesson 3: the data-file long poll
// with the file as a log (one line per message, appended) and a byte offset
// in it as the cursor. Your own copy is lessons/exercises/lesson-3/.
//
// Gone: the overwrite (every message keeps its line), the same-second loss
// (the cursor counts bytes, not seconds), and the stat-then-read race (the
// next cursor is the offset just past what was read, not what was stat'ed).
// Still here: every waiting request stats the file every `mtime-check-ms`;
// nothing answers a request that waits for ever; and the file lives on one
// disk, so only one server can watch it. Lesson 4 removes the first two.
//
// Checked by: npm run lesson -- verify 3 --solution

import { mkdirSync } from 'node:fs';
import { appendFile, open, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpError } from '../../../http/http-error.ts';
import { replyJson } from '../../../http/reply.ts';
import type { Room } from '../../../room/room.ts';
import type { HeldBudget, Strategy, StrategyContext, StrategyServer } from '../../../strategies/strategy.ts';
import type { Draft, Message, MessagesPage } from '../../../wire/types.ts';

/** This copy's own data file, beside the project's data.txt. */
const DATA_FILE = 'lesson-3-data.txt';
/** Lines end with this byte; no byte of a longer UTF-8 character can be mistaken for it. */
const NEWLINE = 0x0a;

export const longPollMtime: Strategy = {
  name: 'long-poll-mtime',
  delivery: 'held-poll',
  summary: 'The data-file long poll with an appended log and a byte-offset cursor (lesson 3, solved).',
  options: [{ flag: 'mtime-check-ms', describe: 'Milliseconds between two stats of the data file by one held request', default: 100, min: 1 }],
  start: (context) => new DataFileWatch(context),
};

/** The settings this copy reads, by name: a misspelt one is a type error, not undefined. */
interface DataFileSettings {
  /** --mtime-check-ms: how long a waiting request sleeps between two stats of the file. */
  checkEveryMs: number;
}

class DataFileWatch implements StrategyServer {
  readonly clientSettings: Record<string, number>;
  private readonly settings: DataFileSettings;
  private readonly room: Room;
  private readonly heldBudget: HeldBudget;
  private readonly dataFile: string;
  /** Waiting responses, with the cursor each came with. */
  private readonly waiting = new Map<ServerResponse, string>();
  /** Writes are chained, so they reach the file in the order the room accepted the messages. */
  private lastWrite: Promise<void> = Promise.resolve();
  /** Every stat of the file, shown in /api/stats. */
  private fileChecks = 0;
  private readonly unsubscribe: () => void;

  constructor({ room, dataDir, settings, heldBudget }: StrategyContext) {
    this.settings = { checkEveryMs: settings.mtimeCheckMs };
    this.clientSettings = { checkEveryMs: this.settings.checkEveryMs };
    this.room = room;
    this.heldBudget = heldBudget;
    mkdirSync(dataDir, { recursive: true });
    this.dataFile = join(dataDir, DATA_FILE);
    this.unsubscribe = room.subscribe((message) => {
      this.lastWrite = this.lastWrite
        .then(() => this.writeToDataFile(message))
        .catch((error) => console.error(`could not write ${this.dataFile}: ${error}`));
    });
  }

  async post(draft: Draft): Promise<Message> {
    const message = await this.room.append(draft);
    await this.lastWrite; // answer once the file holds it, as the PHP script did
    return message;
  }

  async receive(_request: unknown, response: ServerResponse, since: string | undefined): Promise<void> {
    // A client without a cursor gets what the file holds now, at once.
    if (since === undefined) return replyJson(response, 200, await this.readDataFile(0, await this.currentCursor()));
    const cursor = await this.parseCursor(since);

    this.heldBudget.hold(); // throws 503 when the server holds its limit
    this.waiting.set(response, since);
    try {
      let current = await this.currentCursor();
      while (current <= cursor) {
        await sleep(this.settings.checkEveryMs);
        if (response.destroyed || response.writableEnded) return; // the client left, or the server closed
        current = await this.currentCursor();
      }
      replyJson(response, 200, await this.readDataFile(cursor, current));
    } finally {
      this.waiting.delete(response);
      this.heldBudget.release();
    }
  }

  heldCount(): number {
    return this.waiting.size;
  }

  counters(): Record<string, number> {
    return { fileChecks: this.fileChecks };
  }

  async close(): Promise<void> {
    this.unsubscribe();
    for (const [response, since] of this.waiting) replyJson(response, 200, { messages: [], cursor: since }, { Connection: 'close' });
    await this.lastWrite;
  }

  // ---- The exercise, solved. ----

  /** TODO 1: one line per message, appended; the lines before it are never touched. */
  private async writeToDataFile(message: Message): Promise<void> {
    await appendFile(this.dataFile, `${JSON.stringify(message)}\n`);
  }

  /** TODO 2: digits, no further than the end of the file, and (going further) at the start of a line. */
  private async parseCursor(since: string): Promise<number> {
    if (!/^\d{1,15}$/.test(since)) throw new HttpError(400, `cursor must be a byte offset in ${DATA_FILE} (digits), got ${JSON.stringify(since.slice(0, 40))}`);
    const offset = Number(since);
    const size = await this.currentCursor();
    if (offset > size) throw new HttpError(400, `cursor ${offset} is past the end of ${DATA_FILE} (${size} bytes)`);
    // Every cursor handed out follows a newline: any other offset would cut a line in two.
    if (offset > 0 && (await this.readBytes(offset - 1, offset))[0] !== NEWLINE) throw new HttpError(400, `cursor ${offset} is not the start of a line`);
    return offset;
  }

  /** TODO 3: the file's size in bytes (0 before the first message). Each call is one stat, counted in fileChecks. */
  private async currentCursor(): Promise<number> {
    this.fileChecks += 1;
    try {
      return (await stat(this.dataFile)).size;
    } catch {
      return 0; // no file: nothing was posted yet
    }
  }

  /** TODO 4: the lines from byte `since` up to `current`, and the offset just past the last whole one. */
  private async readDataFile(since: number, current: number): Promise<MessagesPage> {
    if (current <= since) return { messages: [], cursor: String(since) };
    const bytes = await this.readBytes(since, current);
    // Only whole lines: one still being written waits for the next answer.
    const end = bytes.lastIndexOf(NEWLINE) + 1;
    const lines = bytes.subarray(0, end).toString('utf8').split('\n').slice(0, -1);
    // The cursor moves past exactly what was read, never to a size stat'ed earlier or later.
    return { messages: lines.map((line) => JSON.parse(line) as Message), cursor: String(since + end) };
  }

  /** The bytes of the file from `start` to `end` (fewer if it is shorter). */
  private async readBytes(start: number, end: number): Promise<Buffer> {
    const file = await open(this.dataFile, 'r');
    try {
      const bytes = Buffer.alloc(end - start);
      const { bytesRead } = await file.read(bytes, 0, bytes.length, start);
      return bytes.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  }
}
