// Reading what a process costs from Linux's /proc, the way `top` and `ss` do,
// so the bench measures the server from outside, like any observer.

import { readFile } from 'node:fs/promises';

/** /proc/<pid>/stat counts CPU time in clock ticks; USER_HZ is 100 on every mainstream Linux. */
const CLOCK_TICKS_PER_SECOND = 100;
/** TCP state "established" as /proc/net/tcp writes it. */
const TCP_ESTABLISHED = '01';

/** CPU seconds (user + system, every thread) the process has used so far. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields from after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const userTicks = Number(fields[11]); // field 14 of the whole line
  const systemTicks = Number(fields[12]); // field 15
  return (userTicks + systemTicks) / CLOCK_TICKS_PER_SECOND;
}

/** CPU seconds every core of the machine has spent busy (not idle, not waiting on disk), from /proc/stat. */
export async function machineBusySeconds(): Promise<number> {
  const stat = await readFile('/proc/stat', 'utf8');
  // "cpu  user nice system idle iowait irq softirq steal ...": everything but idle and iowait is busy.
  const ticks = stat.slice(0, stat.indexOf('\n')).trim().split(/\s+/).slice(1).map(Number);
  const busy = ticks.reduce((sum, value, index) => (index === 3 || index === 4 ? sum : sum + value), 0);
  return busy / CLOCK_TICKS_PER_SECOND;
}

/** Resident memory now, and the peak the kernel has seen (VmHWM), in bytes. */
export async function memory(pid: number): Promise<{ rssBytes: number; peakRssBytes: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return { rssBytes: kilobytesField(status, 'VmRSS'), peakRssBytes: kilobytesField(status, 'VmHWM') };
}

/**
 * Bytes the process has passed to read and write system calls. For our server
 * that is almost all socket traffic (plus the mtime strategy's small data file).
 */
export async function ioBytes(pid: number): Promise<{ read: number; written: number }> {
  const io = await readFile(`/proc/${pid}/io`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)`, 'm').exec(io)?.[1] ?? NaN);
  return { read: field('rchar'), written: field('wchar') };
}

/** Established TCP connections whose local port is `port` (the server's side of each client connection). */
export async function establishedSockets(port: number): Promise<number> {
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  let count = 0;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = await readFile(table, 'utf8');
    } catch {
      continue; // no IPv6 table on this machine: nothing to count there
    }
    for (const line of text.split('\n')) {
      const columns = line.trim().split(/\s+/);
      // columns: sl, local "ADDR:PORT", remote, state, ...
      if (columns[3] === TCP_ESTABLISHED && columns[1]?.endsWith(`:${portHex}`)) count += 1;
    }
  }
  return count;
}

/** The soft limit on open files of this process, or null if it cannot be read. */
export async function openFilesLimit(pid: number | 'self' = 'self'): Promise<number | null> {
  try {
    const limits = await readFile(`/proc/${pid}/limits`, 'utf8');
    const soft = /^Max open files\s+(\d+|unlimited)/m.exec(limits)?.[1];
    if (soft === undefined) return null;
    return soft === 'unlimited' ? Infinity : Number(soft);
  } catch {
    return null;
  }
}

function kilobytesField(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) * 1024 : NaN;
}
