// The command line, run as a user runs it: a real process, real signals.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { heldBecomes, receive } from './support/server.ts';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

function runCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'shell/cli.ts', ...args], { cwd: PROJECT_ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number);
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe('npm start (the CLI)', () => {
  let dataDir: string | undefined;
  afterEach(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('rejects an unknown strategy with exit code 2 and the valid names', async () => {
    const cli = runCli(['--strategy', 'carrier-pigeon']);
    expect(await cli.exited).toBe(2);
    expect(cli.output().stderr).toMatch(/Unknown strategy "carrier-pigeon". Valid strategies: short-poll, long-poll-mtime, long-poll/);
  });

  it('lists the strategies and shows examples in --help', async () => {
    const cli = runCli(['--help']);
    expect(await cli.exited).toBe(0);
    const { stdout } = cli.output();
    expect(stdout).toMatch(/short-poll, long-poll-mtime,\s+long-poll/);
    expect(stdout).toMatch(/Examples:/);
    expect(stdout).toMatch(/--hold-timeout/);
  });

  it('prints its URL and strategy, and on Ctrl-C answers held requests and exits 0', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pollbench-cli-'));
    const cli = runCli(['--port', '0', '--strategy', 'short-poll', '--data-dir', dataDir]);
    let url: string | undefined;
    while (!url) {
      await Promise.race([once(cli.child.stdout, 'data'), cli.exited]);
      url = /serving the chat on (http:\/\/\S+)/.exec(cli.output().stdout)?.[1];
      if (cli.child.exitCode !== null) throw new Error(`the CLI exited early: ${cli.output().stderr}`);
    }
    expect(cli.output().stdout).toMatch(/default strategy: short-poll/);

    const server = { url };
    const { body: start } = await receive(server, 'long-poll');
    const held = receive(server, 'long-poll', start.cursor);
    await heldBecomes(server, 'long-poll', 1);
    cli.child.kill('SIGINT');
    expect((await held).body).toEqual({ messages: [], cursor: start.cursor });
    expect(await cli.exited).toBe(0);
  });
});
