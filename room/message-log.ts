// The room's log: every accepted message, one JSON object per line, in a
// file that only ever grows at its end (data/messages.jsonl).
//
//   append(message) --> queued --> one write for everything queued --> resolved
//                                   (while it runs, newcomers queue up)
//
// A message counts as accepted once its line is written: the poster's 201
// waits for it. Lines queued while a write is running go out together in
// the next one ("group commit"), so a burst of posts costs a few writes,
// not one each. A written line sits in the kernel and survives the process
// being killed; it does not survive a power cut, which would need an fsync
// per write (slow, and more than a classroom chat needs).
//
// On start, `openMessageLog` reads the file back. A crash in the middle of a
// write leaves a last line without its newline: it is skipped with a warning
// and cut off, so the next line is not glued to it.

import { open, readFile, truncate, mkdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Message } from '../wire/types.ts';

export const LOG_FILE_NAME = 'messages.jsonl';

/** What reading the log back found. */
export interface RestoredLog {
  log: MessageLog;
  /** The newest messages, oldest first, at most `keep` of them. */
  messages: Message[];
  /** The id of the last message ever logged (0 for a new log): ids continue after it. */
  lastId: number;
}

/** Read `<dataDir>/messages.jsonl` back, repair a torn last line, and open it for appending. */
export async function openMessageLog(dataDir: string, keep: number, warn: (text: string) => void = console.warn): Promise<RestoredLog> {
  await mkdir(dataDir, { recursive: true });
  const file = join(dataDir, LOG_FILE_NAME);
  let contents = '';
  try {
    contents = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }

  const messages: Message[] = [];
  let lastId = 0;
  const lines = contents.split('\n');
  // Whatever follows the last newline was being written when the process died.
  const torn = lines.pop() ?? '';
  if (torn !== '') {
    warn(`${file}: skipping a torn last line (${Buffer.byteLength(torn)} bytes), left by a crash in the middle of a write`);
    await truncate(file, Buffer.byteLength(contents) - Buffer.byteLength(torn));
  }
  lines.forEach((line, index) => {
    const message = parseLine(line);
    if (!message || Number(message.id) <= lastId) {
      warn(`${file}:${index + 1}: skipping a line that is not a logged message`);
      return;
    }
    lastId = Number(message.id);
    messages.push(message);
    // Trim as we go, so a long log does not need its whole history in memory at once.
    if (messages.length > 2 * keep) messages.splice(0, messages.length - keep);
  });

  const handle = await open(file, 'a');
  return { log: new MessageLog(handle, file), messages: messages.slice(-keep), lastId };
}

export class MessageLog {
  private queued: { line: string; written: () => void; failed: (error: Error) => void }[] = [];
  private writing: Promise<void> | undefined;
  /** Set once a write failed: see append(). */
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly handle: FileHandle,
    readonly file: string,
  ) {}

  /** Resolves once the message's line is written, in the order appends were called. */
  append(message: Message): Promise<void> {
    // A failed write may have left half a line; anything appended after it would
    // be glued to it and lost on restart. Refuse until a restart repairs the file.
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((written, failed) => {
      this.queued.push({ line: JSON.stringify(message) + '\n', written, failed });
      this.writing ??= this.writeQueued();
    });
  }

  /** Wait for queued lines to be written, then close the file. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.writing;
      await this.handle.close();
    })();
    return this.closing;
  }

  private async writeQueued(): Promise<void> {
    while (this.queued.length > 0) {
      const batch = this.queued;
      this.queued = [];
      try {
        await this.handle.appendFile(batch.map((entry) => entry.line).join(''));
        for (const entry of batch) entry.written();
      } catch (error) {
        this.failure = new Error(`could not write to ${this.file}: ${(error as Error).message}`);
        for (const entry of [...batch, ...this.queued]) entry.failed(this.failure);
        this.queued = [];
      }
    }
    this.writing = undefined;
  }
}

function parseLine(line: string): Message | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const { id, author, text, ts } = (value ?? {}) as Partial<Message>;
  if (typeof id !== 'string' || !/^\d{1,15}$/.test(id)) return undefined;
  if (typeof author !== 'string' || typeof text !== 'string' || typeof ts !== 'number') return undefined;
  return { id, author, text, ts };
}
