// A command-line chat client in a few lines of fetch: the reference solution
// of lesson 1's exercise (lessons/exercises/lesson-1/problem.md).
//
// It long-polls: each answer carries a cursor, and the next request sends it
// back, so every message is printed once, in order. When the server is away
// (fetch throws) or failing (5xx), it waits, twice as long after each
// failure up to a ceiling, and asks again from the same cursor: after a
// restart it carries on where it was, and a busy server is not hammered.
//
// Try it while a server runs:  npx tsx lessons/solutions/lesson-1/chat-client.ts http://localhost:3000

import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Message, MessagesPage } from '../../../wire/types.ts';

export interface ChatClientOptions {
  /** Where the server listens, e.g. http://localhost:3000 */
  serverUrl: string;
  /** Shows one line: console.log from the command line, a list when the checker runs it. */
  print: (line: string) => void;
  /** Stop asking when this is aborted (Ctrl-C, or the checker is done). */
  signal: AbortSignal;
}

/** Long polling: the server holds each request until there is something newer than `since`. */
const MESSAGES_PATH = '/api/long-poll/messages';
/** The wait after a first failure; it doubles with each failure in a row... */
const FIRST_RETRY_MS = 250;
/** ...up to this, so a client notices within a few seconds that the server is back. */
const MAX_RETRY_MS = 4000;
const SERVER_ERROR = 500;

export async function runChatClient({ serverUrl, print, signal }: ChatClientOptions): Promise<void> {
  let cursor: string | undefined; // none yet: the first answer brings the recent history
  let retryMs = FIRST_RETRY_MS;
  while (!signal.aborted) {
    try {
      const query = cursor === undefined ? '' : `?since=${encodeURIComponent(cursor)}`;
      const response = await fetch(`${serverUrl}${MESSAGES_PATH}${query}`, { signal });
      if (response.status >= SERVER_ERROR) throw new Error(`the server answered ${response.status}`);
      const page = (await response.json()) as MessagesPage;
      for (const message of page.messages) print(formatLine(message));
      cursor = page.cursor;
      retryMs = FIRST_RETRY_MS;
    } catch {
      // Nothing listens, or it failed: the cursor is kept, so nothing is missed or printed twice.
      await sleep(retryMs, undefined, { signal }).catch(() => {}); // an abort ends the wait, and the loop
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    }
  }
}

/** One message as the chat shows it: "ann: hello". */
export function formatLine(message: Message): string {
  return `${message.author}: ${message.text}`;
}

// From the command line: print the conversation until Ctrl-C.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  await runChatClient({ serverUrl: process.argv[2] ?? 'http://localhost:3000', print: console.log, signal: stop.signal });
}
