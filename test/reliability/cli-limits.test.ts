// The limits are flags: --help lists them, and nonsense values are refused.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function runCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'shell/cli.ts', ...args], { cwd: PROJECT_ROOT });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const [code] = await once(child, 'exit');
  return { code: code as number, output };
}

describe('the limits on the command line', () => {
  it('lists every limit in --help', async () => {
    const { code, output } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const flag of ['--max-body', '--max-held', '--history', '--headers-timeout', '--request-timeout', '--cors', '--data-dir']) {
      expect(output).toContain(flag);
    }
  });

  it('refuses a zero held limit with exit code 2', async () => {
    const { code, output } = await runCli(['--max-held', '0']);
    expect(code).toBe(2);
    expect(output).toMatch(/--max-held must be a number >= 1, got 0/);
  });
});
