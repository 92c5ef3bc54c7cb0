// How long a transport waits before it tries again after a failure: the one
// rule every transport that backs off follows (long-poll-mtime's copy of the
// document's client does not, on purpose).
//
//   failures in a row   1      2     3     4     5      6 ...
//   back-off            0.5 s  1 s   2 s   4 s   8 s    15 s (at most)
//
// each taken at a random 50 to 100 % (jitter: thirty laptops that lost the
// server together must not come back in the same millisecond). If the server
// said how long to wait (503 with Retry-After), the wait is never shorter than
// that, and jitter is added on top of it.

/** First wait after an error; it doubles with every further error in a row... */
const FIRST_BACKOFF_MS = 500;
/** ...up to this. */
const MAX_BACKOFF_MS = 15_000;

/** Milliseconds to wait after `failuresInARow` failures (this one included); `answer` is the failed one's, if it got one. */
export function retryDelay(failuresInARow: number, answer?: { headers: Headers }): number {
  const backoff = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (failuresInARow - 1)) * (0.5 + Math.random() / 2);
  const asked = retryAfterMs(answer?.headers.get('Retry-After') ?? null);
  return asked === undefined ? backoff : Math.max(backoff, asked * (1 + Math.random() / 2));
}

/** Retry-After as milliseconds from now: either seconds ("2") or an HTTP date. */
function retryAfterMs(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds > 0 ? seconds * 1000 : undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
