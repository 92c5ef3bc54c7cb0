// YOUR COPY of the data-file long poll, for the exercise of lesson 3.
//
// As it stands it behaves like strategies/long-poll-mtime.ts with its
// defaults: every message overwrites the data file, the cursor is the file's
// mtime in whole seconds, and each waiting request stats the file every
// `mtime-check-ms`. It keeps a file of its own (lesson-3-data.txt), so it
// never mixes with the project's data.txt.
//
// The exercise (lessons/exercises/lesson-3/problem.md): keep the file and the
// loop, but make the file a log and the cursor a place in it.
//   TODO 1. writeToDataFile(): append each message as one line, never overwrite.
//   TODO 2. parseCursor(): a cursor is a byte offset: digits, and no further
//           than the end of the file. Anything else is refused with a 400.
//   TODO 3. currentCursor(): the file's size in bytes, instead of its mtime.
//   TODO 4. readDataFile(): the lines after the client's offset, and the
//           offset just past the last whole line read, as the next cursor.
// receive() needs no change: it still loops until the cursor moves.
//
// Check your work with:    npm run lesson -- verify 3
// Try it in the chat with:  npm run lesson -- 3 --exercise

import { mkdirSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
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

export const longPollMtime: Strategy = {
  name: 'long-poll-mtime',
  delivery: 'held-poll',
  summary: 'Your copy of the data-file long poll (lesson 3).',
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

  // ---- The exercise: the four methods below. ----

  /** TODO 1: add the message to the file as one line (its JSON, then "\n"), after those before it. */
  private async writeToDataFile(message: Message): Promise<void> {
    await writeFile(this.dataFile, JSON.stringify(message));
  }

  /** TODO 2: a byte offset: digits only, and no further than the end of the file; otherwise HttpError 400. */
  private async parseCursor(since: string): Promise<number> {
    if (!/^\d{1,15}$/.test(since)) throw new HttpError(400, 'cursor must be an mtime in epoch ms (digits)');
    return Number(since);
  }

  /** TODO 3: the file's size in bytes (0 before the first message). Each call is one stat, counted in fileChecks. */
  private async currentCursor(): Promise<number> {
    this.fileChecks += 1;
    try {
      const { mtimeMs } = await stat(this.dataFile);
      return Math.floor(mtimeMs / 1000) * 1000; // whole seconds, as PHP's filemtime gives them
    } catch {
      return 0; // no file: nothing was posted yet
    }
  }

  /**
   * TODO 4: the messages on the lines that start at byte `since`, and as the
   * cursor the offset just past the last whole line read. `current` is what
   * currentCursor() returned; the file may have grown since.
   */
  private async readDataFile(since: number, current: number): Promise<MessagesPage> {
    try {
      return { messages: [JSON.parse(await readFile(this.dataFile, 'utf8')) as Message], cursor: String(current) };
    } catch {
      return { messages: [], cursor: String(current) }; // no file yet, or caught half-written
    }
  }
}
