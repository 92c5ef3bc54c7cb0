// What a stopped proxy must not leave behind, looked up the way `ps` and `ss`
// would: processes by pid, and a port nobody listens on.

import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';

/** The pids of an nginx master's children (its worker), from /proc. */
export async function nginxWorkers(masterPid: number): Promise<number[]> {
  const children = await readFile(`/proc/${masterPid}/task/${masterPid}/children`, 'utf8');
  return children.split(' ').filter(Boolean).map(Number);
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // it exists, it is just not ours
  }
}

/** Whether a server could listen on this loopback port right now. */
export async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  server.listen(port, '127.0.0.1');
  try {
    await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(error))]);
  } catch {
    return false; // EADDRINUSE: someone still listens there
  }
  await new Promise((resolve) => server.close(resolve));
  return true;
}
