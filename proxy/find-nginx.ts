// Where nginx is. Debian installs it as /usr/sbin/nginx, which is on root's
// PATH but often not on a user's, so that place is tried after PATH.

import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The one thing to tell someone without nginx. */
export const INSTALL_HINT = 'apt-get install nginx-light';

/** Tried, in order, when PATH holds no nginx. */
export const USUAL_PLACES = ['/usr/sbin/nginx'];

/** The nginx could not be found or run: the message says how to install it. */
export class NginxMissingError extends Error {}

/** The first executable nginx on `searchPath` or in `places`, or null. */
export function findNginx(searchPath = process.env.PATH ?? '', places = USUAL_PLACES): string | null {
  const candidates = [...searchPath.split(delimiter).filter(Boolean).map((folder) => join(folder, 'nginx')), ...places];
  return candidates.find(isExecutable) ?? null;
}

/** `nginx`, or the binary named, as a path to run; throws NginxMissingError when there is none. */
export function nginxBinary(named?: string): string {
  if (named !== undefined) {
    if (!isExecutable(named)) throw new NginxMissingError(`nginx not found at ${named}: install it with ${INSTALL_HINT}`);
    return named;
  }
  const found = findNginx();
  if (found === null) throw new NginxMissingError(`nginx not found on PATH or in ${USUAL_PLACES.join(', ')}: install it with ${INSTALL_HINT}`);
  return found;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false; // missing or not executable: either way, not an nginx we can run
  }
}
