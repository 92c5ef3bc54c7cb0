// `npm run lesson` speaks the class's language: Simplified Chinese with
// --lang zh-CN, or by default in a terminal whose LANG starts with zh;
// English otherwise. Each case runs the real command line.

import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadLessons, PROJECT_ROOT } from '../../lessons/catalog.ts';
import { lessonTitle } from '../../wire/lesson.ts';

const run = promisify(execFile);
const CLI = ['--import', 'tsx', 'lessons/cli.ts'];

/** The environment without any language setting of the machine running the tests, plus `language`. */
function environment(language: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { LANG: _lang, LC_ALL: _all, LANGUAGE: _language, ...rest } = process.env;
  return { ...rest, NO_COLOR: '1', ...language };
}

async function lessonCli(args: string[], language?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return run('node', [...CLI, ...args], { cwd: PROJECT_ROOT, env: environment(language) }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe('the lesson runner in two languages', () => {
  it('lists the lessons in Chinese with --lang zh-CN, pointing at the Chinese files', async () => {
    const { code, stdout } = await lessonCli(['list', '--lang', 'zh-CN']);
    expect(code).toBe(0);
    for (const lesson of loadLessons()) {
      expect(stdout).toContain(lessonTitle(lesson, 'zh-CN'));
      expect(stdout).toContain(`lessons/zh-CN/${lesson.file}`);
    }
    expect(stdout).toContain('练习：npm run lesson -- verify 1');
  });

  it('speaks Chinese by default when LANG starts with zh, and English when it does not', async () => {
    const chinese = await lessonCli(['list'], { LANG: 'zh_CN.UTF-8' });
    expect(chinese.stdout).toContain(lessonTitle(loadLessons()[2], 'zh-CN'));
    const english = await lessonCli(['list'], { LANG: 'en_US.UTF-8' });
    expect(english.stdout).toContain(loadLessons()[2].title);
    expect(english.stdout).not.toMatch(/[\u4e00-\u9fff]/);
    const flagWins = await lessonCli(['list', '--lang', 'en'], { LANG: 'zh_CN.UTF-8' });
    expect(flagWins.stdout).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('refuses a language it does not speak, with a usage error', async () => {
    const refused = await lessonCli(['list', '--lang', 'fr']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--lang must be en or zh-CN, got fr/);
  });

  it('shows the Chinese twin of a lesson', async () => {
    const { stdout } = await lessonCli(['show', '1', '--lang', 'zh-CN']);
    expect(stdout.split('\n')[0]).toBe(`# 第 1 课：${lessonTitle(loadLessons()[1], 'zh-CN')}`);
    expect(stdout).not.toContain('{{bench');
  });

  it('prints a lesson’s steps in Chinese and serves the lesson, with the page in Chinese', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pollbench-runner-language-'));
    const child = spawn('node', [...CLI, '0', '--lang', 'zh-CN', '--port', '0', '--data-dir', dataDir], { cwd: PROJECT_ROOT, env: environment() });
    try {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', () => output.includes('按 Ctrl-C 立即停止') && resolve());
        child.once('exit', (code) => reject(new Error(`the runner exited (${code}) before serving:\n${output}`)));
      });
      expect(output).toContain(`第 0 课：${lessonTitle(loadLessons()[0], 'zh-CN')}`);
      expect(output).toContain('== 目标');
      expect(output).toMatch(/在聊天旁阅读本课：http:\/\/127\.0\.0\.1:\d+\/\?lesson=0&lang=zh-CN/);
      expect(output).toContain('按 Ctrl-C 立即停止');
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
