// `tail -f` for nginx's access log. nginx opens its log by path, and
// /dev/stdout cannot be opened when its stdout is a socket (as Node's pipes
// to a child are), so it writes the log into its temp folder and we follow it.

import { unwatchFile, watchFile, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';

/** How often the file's size is checked: a log line may show up this late. */
const CHECK_INTERVAL_MS = 200;

/** Call `onText` with whatever is appended to `path` from now on; returns a function that stops following. */
export function followFile(path: string, onText: (text: string) => void): () => void {
  let readUpTo = 0;
  // One read at a time, in order, however fast the checks come.
  let reading = Promise.resolve();
  const onChange = (current: Stats) => {
    reading = reading.then(async () => {
      if (current.size <= readUpTo) return;
      const file = await open(path, 'r');
      try {
        const bytes = Buffer.alloc(current.size - readUpTo);
        const { bytesRead } = await file.read(bytes, 0, bytes.length, readUpTo);
        readUpTo += bytesRead;
        onText(bytes.subarray(0, bytesRead).toString());
      } finally {
        await file.close();
      }
    }).catch(() => {
      // Deliberately ignored: the folder was removed while a read was due; there is nothing left to follow.
    });
  };
  watchFile(path, { interval: CHECK_INTERVAL_MS }, onChange);
  return () => unwatchFile(path, onChange);
}
