// Runs a student's chat client in a process of its own, for
// chat-client-check.ts: a client that never stops, or loops without ever
// waiting, must fail a check, not hang the checker. The checker kills this
// process when it is done, whatever the client does.
//
//   node --import tsx lessons/verify/run-chat-client.ts <file> <serverUrl>
//
// Talks to its parent over IPC: each printed line as { line }, { done } once
// runChatClient settles (with the error if it threw); 'abort' from the
// parent aborts the client's signal.

import { pathToFileURL } from 'node:url';

type RunChatClient = (options: { serverUrl: string; print: (line: string) => void; signal: AbortSignal }) => Promise<void>;

export type ClientReport = { line: string } | { done: true; error?: string };

const [file, serverUrl] = process.argv.slice(2);
const tell = (report: ClientReport) => process.send?.(report);
const stop = new AbortController();
process.on('message', (message) => {
  if (message === 'abort') stop.abort();
});

try {
  const { runChatClient } = (await import(pathToFileURL(file).href)) as { runChatClient: RunChatClient };
  await runChatClient({ serverUrl, print: (line) => tell({ line: String(line) }), signal: stop.signal });
  tell({ done: true });
} catch (error) {
  tell({ done: true, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
}
// Whatever the client left running, it has returned: that is all the checker waits for.
process.disconnect();
