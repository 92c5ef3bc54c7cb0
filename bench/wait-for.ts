// Waiting for something the bench can observe (every client held, every
// message delivered), checking every so often, up to a limit.

import { setTimeout as sleep } from 'node:timers/promises';

const CHECK_EVERY_MS = 50;

/** Resolves true once `condition` holds, or false once `limitMs` has passed without it. */
export async function waitFor(condition: () => boolean | Promise<boolean>, limitMs: number, everyMs = CHECK_EVERY_MS): Promise<boolean> {
  const giveUpAt = performance.now() + limitMs;
  while (!(await condition())) {
    if (performance.now() > giveUpAt) return false;
    await sleep(everyMs);
  }
  return true;
}
