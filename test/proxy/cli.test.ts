// `npm run proxy`, run as a user runs it: a real process, real nginx, real signals.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../bench/free-port.ts';
import { findNginx } from '../../proxy/find-nginx.ts';
import { eventually, startTestServer, type TestServer } from '../support/server.ts';
import { skipNginxSuites } from './nginx.ts';
import { nginxWorkers, portIsFree, processExists } from './processes.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

type ProxyCli = ReturnType<typeof runProxyCli>;

function runProxyCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'proxy/cli.ts', ...args], { cwd: PROJECT_ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number);
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe('npm run proxy (the CLI), whether or not nginx is installed', () => {
  it('without nginx, exits 1 with one line naming apt-get install nginx-light', async () => {
    const cli = runProxyCli(['--nginx', '/nowhere/nginx']);
    expect(await cli.exited).toBe(1);
    const { stdout, stderr } = cli.output();
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/nginx not found.*apt-get install nginx-light/)]);
  });

  it('rejects a target that is not http://host:port with exit code 2 and one line', async () => {
    const cli = runProxyCli(['--target', 'https://127.0.0.1:3000']);
    expect(await cli.exited).toBe(2);
    expect(cli.output().stderr.trim().split('\n')).toEqual([expect.stringMatching(/--target must be http:\/\/host:port.*--help/)]);
  });

  it('shows every option and examples in --help', async () => {
    const cli = runProxyCli(['--help']);
    expect(await cli.exited).toBe(0);
    const { stdout } = cli.output();
    for (const flag of ['--target', '--port', '--read-timeout', '--buffering', '--http-version', '--upgrade', '--nginx']) expect(stdout).toContain(flag);
    expect(stdout).toMatch(/Examples:/);
  });

  it('finds nginx on PATH, or in /usr/sbin where Debian puts it, or not at all', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pollbench-path-'));
    try {
      expect(findNginx(folder, [])).toBeNull();
      await writeFile(join(folder, 'nginx'), '#!/bin/sh\n');
      expect(findNginx(folder, [])).toBeNull(); // there, but not executable
      await chmod(join(folder, 'nginx'), 0o755);
      expect(findNginx(`/nowhere:${folder}`, [])).toBe(join(folder, 'nginx'));
      expect(findNginx('/nowhere', [join(folder, 'nginx')])).toBe(join(folder, 'nginx'));
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe.skipIf(skipNginxSuites)('npm run proxy (the CLI) with nginx', () => {
  let server: TestServer | undefined;
  let cli: ProxyCli | undefined;
  afterEach(async () => {
    // A test that failed half-way must not leave its proxy running.
    if (cli && cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
    await server?.stop();
  });

  it.each([
    ['SIGTERM', ['--read-timeout', '30000'], 'HTTP/1.1 to the server, read timeout 30000 ms, buffering on'],
    ['SIGINT', ['--http-version', '1.0', '--buffering', 'off'], 'HTTP/1.0 to the server, read timeout 60000 ms, buffering off'],
  ] as const)('prints its URL, logs each answer, and on %s leaves nothing behind', async (signal, flags, summary) => {
    server = await startTestServer();
    const port = await freePort();
    cli = runProxyCli(['--target', server.url, '--port', String(port), ...flags]);
    while (!cli.output().stdout.includes('Press Ctrl-C to stop.')) {
      await Promise.race([once(cli.child.stdout, 'data'), cli.exited]);
      if (cli.child.exitCode !== null) throw new Error(`the CLI exited early: ${cli.output().stderr}`);
    }
    const [, pid, url] = /\(pid (\d+)\) is proxying (http:\/\/\S+) to /.exec(cli.output().stdout)!;
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect(cli.output().stdout).toContain(summary);
    const dir = /its config: (\S+)\/nginx\.conf/.exec(cli.output().stdout)![1];
    expect(existsSync(join(dir, 'nginx.conf'))).toBe(true);
    const workers = await nginxWorkers(Number(pid));

    expect((await fetch(`${url}/api/config`)).status).toBe(200);
    await eventually(() => /^200 .*"GET \/api\/config HTTP\/1\.1"/m.test(cli!.output().stdout), 'the CLI prints the access log line');

    cli.child.kill(signal);
    expect(await cli.exited).toBe(0);
    expect([Number(pid), ...workers].filter(processExists)).toEqual([]);
    expect(await portIsFree(port)).toBe(true);
    expect(existsSync(dir)).toBe(false);
  });
});
