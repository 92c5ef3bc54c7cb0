// The workbench as a real process (`node --import tsx shell/cli.ts`), for the
// tests that kill it or signal it.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code, or the signal's name if it was killed. */
  exited: Promise<number | string>;
  output(): { stdout: string; stderr: string };
}

/** Start the CLI with `args` and wait until it says where it serves. */
export async function startServerProcess(args: string[]): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'shell/cli.ts', '--port', '0', ...args], { cwd: PROJECT_ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  let url: string | undefined;
  while (!url) {
    await Promise.race([once(child.stdout, 'data'), exited]);
    url = /serving the chat on (http:\/\/\S+)/.exec(stdout)?.[1];
    if (!url && child.exitCode !== null) throw new Error(`the server exited early: ${stderr}`);
  }
  return { url, child, exited, output: () => ({ stdout, stderr }) };
}
