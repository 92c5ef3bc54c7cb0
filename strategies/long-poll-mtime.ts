// Long polling as the source document built it: a data file and its mtime.
//
// In the original, a PHP script answers both sides of a chat. Posting a
// message overwrites one file with it. Asking for messages runs a loop on
// the server that watches the file's modification time:
//
//   browser                          server                     data.txt
//     |-- GET ?since=T ------------->|  mtime <= T? sleep 100 ms, stat again...
//     |                              |  ...                       <- a post overwrites it
//     |                              |  mtime U > T: read the file
//     |<--------- [message] cursor U |
//     |-- GET ?since=U ------------->|  and round again
//
// It works, and it is the simplest long poll there is. Its flaws are the
// lesson, so this port keeps every one of them:
//   1. The file holds one message. Two posts close together: the second
//      overwrites the first, which is lost for anyone not asking at that instant.
//   2. The cursor is the mtime in whole seconds (PHP's filemtime). A second
//      message in the same second as the one a client just got leaves the
//      mtime unchanged, so that client never gets it.
//   3. Each waiting client stats the file every 100 ms: ten system calls a
//      second each, whether anything happens or not (and in PHP, a whole
//      worker process held for as long as it waits).
//   4. A message waits for the next check: 50 ms on average, up to 100 ms.
//   5. No hold timeout: the server waits for ever, and proxies and browsers
//      cut the request on their own terms.
//   6. Stat, then read: a post between the two hands out a newer message
//      under an older mtime, so the client may get that message twice.
// The document's client habits (re-asking at once, even after a failure)
// live in web/transports/long-poll-mtime.ts.
//
// To chat in the same room as the other strategies, every message the room
// accepts is written to the file, overwriting the one before, just as if
// each poster had run the document's POST branch. Like every holding
// strategy, each waiting request takes a slot of the server's held budget
// (--max-held); the optional hold timeout is jittered by ±10%.

import { mkdirSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpError } from '../http/http-error.ts';
import { replyJson } from '../http/reply.ts';
import type { Room } from '../room/room.ts';
import type { Draft, Message, MessagesPage } from '../wire/types.ts';
import { withJitter } from './hold-jitter.ts';
import type { HeldBudget, Strategy, StrategyContext, StrategyServer } from './strategy.ts';

const DATA_FILE = 'data.txt';
/** An mtime cursor is epoch milliseconds; more digits than this is not one. */
const MAX_CURSOR_DIGITS = 15;

export const longPollMtime: Strategy = {
  name: 'long-poll-mtime',
  delivery: 'held-poll',
  summary: 'As in the source document: each held request stats a data file until its mtime passes the cursor.',
  options: [
    { flag: 'mtime-check-ms', describe: 'Milliseconds between two stats of the data file by one held request', default: 100, min: 1 },
    { flag: 'mtime-resolution-ms', describe: 'Granularity of the compared mtime (1000 = whole seconds, like PHP filemtime)', default: 1000, min: 1 },
    { flag: 'mtime-hold-timeout', describe: 'Milliseconds before a held request is answered empty (0 = never, as in the document)', default: 0 },
  ],
  start: (context) => new DataFileWatch(context),
};

class DataFileWatch implements StrategyServer {
  readonly clientSettings: Record<string, number>;
  private readonly room: Room;
  private readonly dataFile: string;
  private readonly checkEveryMs: number;
  private readonly resolutionMs: number;
  private readonly holdTimeoutMs: number;
  private readonly heldBudget: HeldBudget;
  /** Responses whose loop is running, with their cursor; the loop removes its own when it ends. */
  private readonly waiting = new Map<ServerResponse, string>();
  /** Writes are chained so the file always ends up holding the newest message. */
  private lastWrite: Promise<void> = Promise.resolve();
  private fileChecks = 0;
  private readonly unsubscribe: () => void;

  constructor({ room, dataDir, settings, heldBudget }: StrategyContext) {
    this.room = room;
    this.heldBudget = heldBudget;
    mkdirSync(dataDir, { recursive: true });
    this.dataFile = join(dataDir, DATA_FILE);
    this.checkEveryMs = settings.mtimeCheckMs;
    this.resolutionMs = settings.mtimeResolutionMs;
    this.holdTimeoutMs = settings.mtimeHoldTimeout;
    this.clientSettings = { checkEveryMs: this.checkEveryMs, resolutionMs: this.resolutionMs, holdTimeoutMs: this.holdTimeoutMs };
    this.unsubscribe = room.subscribe((message) => this.overwriteDataFile(message));
  }

  /** The document's POST: the file now holds this message, and only this one. */
  private overwriteDataFile(message: Message): void {
    this.lastWrite = this.lastWrite
      .then(() => writeFile(this.dataFile, JSON.stringify(message)))
      .catch((error) => console.error(`long-poll-mtime: could not write ${this.dataFile}: ${error}`));
  }

  async post(draft: Draft): Promise<Message> {
    const message = await this.room.append(draft);
    await this.lastWrite; // answer once the file holds it, as the PHP script did
    return message;
  }

  /** The document's GET: loop on the file's mtime until it is newer than the client's. */
  async receive(_request: unknown, response: ServerResponse, since: string | undefined): Promise<void> {
    // A client with no cursor gets the file as it is now (the document's client starts at 0, which does the same).
    if (since === undefined) return replyJson(response, 200, await this.readDataFile(await this.modifiedTime()));

    const lastModified = parseMtimeCursor(since);
    const giveUpAt = this.holdTimeoutMs > 0 ? Date.now() + withJitter(this.holdTimeoutMs) : Infinity;
    this.heldBudget.hold(); // throws 503 when the server holds its limit
    this.waiting.set(response, since);
    try {
      let currentModified = await this.modifiedTime();
      while (currentModified <= lastModified) {
        await sleep(this.checkEveryMs);
        // PHP would not notice a client that left until it wrote to it; we stop checking for it.
        if (response.destroyed || response.writableEnded) return;
        if (Date.now() >= giveUpAt) return replyJson(response, 200, { messages: [], cursor: since });
        currentModified = await this.modifiedTime();
      }
      replyJson(response, 200, await this.readDataFile(currentModified));
    } finally {
      this.waiting.delete(response);
      this.heldBudget.release();
    }
  }

  heldCount(): number {
    return this.waiting.size;
  }

  /** Visible in /api/stats: every one of these is a stat system call. */
  counters(): Record<string, number> {
    return { fileChecks: this.fileChecks };
  }

  async close(): Promise<void> {
    this.unsubscribe();
    // Each loop sees its response ended at its next check and stops.
    for (const [response, since] of this.waiting) {
      replyJson(response, 200, { messages: [], cursor: since }, { Connection: 'close' });
    }
    await this.lastWrite;
  }

  /** The file's mtime, cut to the resolution (whole seconds by default); 0 if there is no file yet. */
  private async modifiedTime(): Promise<number> {
    this.fileChecks += 1;
    try {
      const { mtimeMs } = await stat(this.dataFile);
      return Math.floor(mtimeMs / this.resolutionMs) * this.resolutionMs;
    } catch {
      return 0; // no message has been posted yet
    }
  }

  /** The one message the file holds, with the mtime seen as the next cursor. */
  private async readDataFile(modified: number): Promise<MessagesPage> {
    const cursor = String(modified);
    let contents: string;
    try {
      contents = await readFile(this.dataFile, 'utf8');
    } catch {
      return { messages: [], cursor }; // no file yet: nothing was ever posted
    }
    try {
      return { messages: [JSON.parse(contents) as Message], cursor };
    } catch {
      // Read while a post was rewriting it: the document would hand out an empty message. We hand out none.
      return { messages: [], cursor };
    }
  }
}

function parseMtimeCursor(since: string): number {
  if (!/^\d+$/.test(since) || since.length > MAX_CURSOR_DIGITS) {
    throw new HttpError(400, `cursor must be a file modification time in epoch ms (digits), got ${JSON.stringify(since.slice(0, 40))}`);
  }
  return Number(since);
}
