// Which process listens on a local TCP port, found the way `ss -ltnp` finds
// it: the listening socket's inode in /proc/net/tcp (or tcp6), then the
// process whose /proc/<pid>/fd holds a link to "socket:[<inode>]". Only
// processes this user may look into can be found.

import { readdir, readFile, readlink } from 'node:fs/promises';

/** TCP state "listen" as /proc/net/tcp writes it. */
const TCP_LISTEN = '0A';

export type Listener = { pid: number } | { pid: null; why: string };

export async function processListeningOn(port: number): Promise<Listener> {
  const inodes = await listeningInodes(port);
  if (inodes.size === 0) return { pid: null, why: `nothing on this machine listens on port ${port}` };
  const pids = new Set<number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = await readdir(`/proc/${entry}/fd`);
    } catch {
      continue; // another user's process, or one that just exited: not ours to look into
    }
    for (const fd of fds) {
      const link = await readlink(`/proc/${entry}/fd/${fd}`).catch(() => '');
      if (inodes.has(link)) pids.add(Number(entry));
    }
  }
  if (pids.size === 1) return { pid: [...pids][0] };
  if (pids.size === 0) return { pid: null, why: `the process listening on port ${port} belongs to another user: pass --pid` };
  return { pid: null, why: `${pids.size} processes share the socket on port ${port} (${[...pids].join(', ')}): pass --pid` };
}

/** "socket:[<inode>]" of each socket listening on `port`, as /proc/<pid>/fd links name them. */
async function listeningInodes(port: number): Promise<Set<string>> {
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => ''); // no IPv6 table on this machine: nothing there
    for (const line of text.split('\n')) {
      // columns: sl, local "ADDR:PORT", remote, state, queues, timer, retransmits, uid, timeout, inode
      const columns = line.trim().split(/\s+/);
      if (columns[3] === TCP_LISTEN && columns[1]?.endsWith(`:${portHex}`)) inodes.add(`socket:[${columns[9]}]`);
    }
  }
  return inodes;
}
