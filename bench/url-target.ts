// A server someone else started (`npm run bench -- --url http://host:port`):
// a student's, one in another language, or the plain reference run on its
// own. The bench neither starts nor stops it; it measures it over HTTP like
// any other, and reads its CPU and memory from /proc when its process is on
// this machine: given with --pid, or found from the port it listens on.

import { networkInterfaces } from 'node:os';
import { processListeningOn } from './listening-process.ts';
import type { UrlTarget } from './result-types.ts';

export interface AttachedServer extends UrlTarget {
  port: number;
  /** Why CPU, memory or connections could not be read, for the point's notes. */
  unwatched?: string;
}

export async function attachToUrl(url: string, pid?: number): Promise<AttachedServer> {
  const parsed = new URL(url);
  const port = Number(parsed.port || 80);
  const local = isThisMachine(parsed.hostname);
  const base = { url: parsed.origin, port, local };
  if (pid !== undefined) return { ...base, pid, pidFoundBy: '--pid' };
  if (!local) {
    return { ...base, pid: null, pidFoundBy: null, unwatched: `${parsed.host} is not this machine: its CPU, memory and connections were not measured` };
  }
  const listener = await processListeningOn(port);
  if (listener.pid === null) return { ...base, pid: null, pidFoundBy: null, unwatched: `its CPU and memory were not measured: ${listener.why}` };
  return { ...base, pid: listener.pid, pidFoundBy: 'listening socket' };
}

/** Whether `hostname` is a loopback name or one of this machine's own addresses. */
function isThisMachine(hostname: string): boolean {
  const address = hostname.replace(/^\[|\]$/g, '');
  if (address === 'localhost' || address.startsWith('127.') || address === '::1') return true;
  return Object.values(networkInterfaces()).some((entries) => entries?.some((entry) => entry.address === address));
}
