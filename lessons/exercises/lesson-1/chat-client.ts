// YOUR COPY of a command-line chat client, for the exercise of lesson 1.
//
// A browser is not the only program that can chat: anything that speaks HTTP
// can, and `fetch` is all it takes. As it stands this client asks once,
// prints what the room already holds, and stops. A chat client must keep
// listening, and keep listening when the server restarts.
//
// The exercise (lessons/exercises/lesson-1/problem.md):
//   TODO 1. Keep asking until `signal` is aborted, each time with
//           ?since=<the cursor of the last answer>, and print every message
//           of every answer with formatLine().
//   TODO 2. Survive a server restart: when fetch throws (nothing listens) or
//           the answer's status is 500 or more, wait a little (longer after
//           each failure, never more than a few seconds) and ask again with
//           the same cursor.
//
// Try it while a server runs:  npx tsx lessons/exercises/lesson-1/chat-client.ts http://localhost:3000
// Check your work with:        npm run lesson -- verify 1

import { pathToFileURL } from 'node:url';
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

export async function runChatClient({ serverUrl, print, signal }: ChatClientOptions): Promise<void> {
  // Without ?since= the server answers at once with the recent history and a cursor.
  const response = await fetch(`${serverUrl}${MESSAGES_PATH}`, { signal });
  const page = (await response.json()) as MessagesPage;
  for (const message of page.messages) print(formatLine(message));
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
