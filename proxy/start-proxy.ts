// Start nginx as a reverse proxy, and stop it leaving nothing behind. The CLI
// (cli.ts) and the tests both use startProxy.
//
// nginx runs in the foreground (`daemon off`) as our child, from a fresh temp
// folder that holds its config, pid file and temp files:
//
//   nginx -e <tmp>/error.log -p <tmp> -c <tmp>/nginx.conf
//
// It is ready once it has written its pid file: nginx binds its port before
// that, and a port it cannot bind makes it exit instead. stop() sends SIGTERM
// (nginx's fast shutdown: its master ends the worker, then itself), waits for
// the exit, and removes the folder.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NginxMissingError, INSTALL_HINT, nginxBinary } from './find-nginx.ts';
import { followFile } from './follow-file.ts';
import { NGINX_DEFAULT_READ_TIMEOUT_MS, nginxConfig, upstreamAddress, type HttpVersion } from './nginx-config.ts';

/** How long nginx has to bind its port and write its pid file. */
const START_LIMIT_MS = 10_000;
/** How often to look for the pid file while nginx starts. */
const START_CHECK_MS = 20;
/** A fast shutdown takes milliseconds; past this the master and its worker are killed. */
const EXIT_LIMIT_MS = 3_000;
/** Enough of nginx's stderr to explain a failed start. */
const KEPT_STDERR_CHARS = 4096;

export interface ProxyOptions {
  /** The pollbench server, e.g. http://127.0.0.1:3000. */
  target: string;
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** proxy_read_timeout in ms; default nginx's own, 60 s. */
  readTimeoutMs?: number;
  /** proxy_buffering; default on, as nginx has it. */
  buffering?: boolean;
  /** proxy_http_version; default 1.1 (nginx's own is 1.0). */
  httpVersion?: HttpVersion;
  /** Pass WebSocket upgrades; default on. */
  upgrade?: boolean;
  /** Buffer streams even when the server says X-Accel-Buffering: no; default off (nginx obeys the header). */
  ignoreAccelBuffering?: boolean;
  /** worker_connections; default 1024. */
  maxConnections?: number;
  /** The nginx binary; default nginx on PATH, else /usr/sbin/nginx. */
  nginx?: string;
  /** nginx's access log (one line per answer, followed in <dir>/access.log) and error log (its stderr); dropped if not given. */
  onAccessLog?: (text: string) => void;
  onErrorLog?: (text: string) => void;
}

export interface RunningProxy {
  /** Where browsers and clients go: http://host:port. */
  url: string;
  /** The nginx master process. */
  pid: number;
  /** e.g. "nginx/1.22.1". */
  version: string;
  /** The temp folder with nginx.conf in it; gone once stopped. */
  dir: string;
  /** Resolves with nginx's exit code (or signal) if it exits: at stop(), or by itself. */
  exited: Promise<number | NodeJS.Signals>;
  /** Stop nginx and remove the temp folder. */
  stop(): Promise<void>;
}

/** Proxies still running: killed, and their folders removed, if this process exits first. */
const running = new Map<ChildProcess, string>();
process.once('exit', () => {
  for (const [child, dir] of running) {
    killGroup(child, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const binary = nginxBinary(options.nginx);
  const version = nginxVersion(binary);
  const host = options.host ?? '127.0.0.1';
  const upstream = upstreamAddress(options.target); // a bad target fails here, before any folder exists
  const dir = await mkdtemp(join(tmpdir(), 'pollbench-proxy-'));
  // Run as root, nginx's worker runs as "nobody" and must reach the temp folders inside.
  await chmod(dir, 0o755);
  const config = nginxConfig({
    dir,
    host,
    port: options.port,
    upstream,
    readTimeoutMs: options.readTimeoutMs ?? NGINX_DEFAULT_READ_TIMEOUT_MS,
    buffering: options.buffering ?? true,
    httpVersion: options.httpVersion ?? '1.1',
    upgrade: options.upgrade ?? true,
    ignoreAccelBuffering: options.ignoreAccelBuffering ?? false,
    maxConnections: options.maxConnections ?? 1024,
  });
  await writeFile(join(dir, 'nginx.conf'), config);

  // Its own process group: a Ctrl-C in the terminal reaches the CLI alone, which then stops nginx
  // in order (and, if nginx hangs, can kill its master and worker together).
  const child = spawn(binary, ['-e', join(dir, 'error.log'), '-p', dir, '-c', join(dir, 'nginx.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  running.set(child, dir);
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve(code ?? signal ?? 0);
    });
  });
  // What nginx says while starting is kept: a failed start is explained in one line, not six.
  let startupLog = '';
  let started = false;
  child.stderr!.on('data', (chunk: Buffer) => {
    if (started) options.onErrorLog?.(chunk.toString());
    else startupLog = (startupLog + chunk).slice(-KEPT_STDERR_CHARS);
  });

  let stopped = false;
  let stopFollowing = () => {};
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopNginx(child, exited);
    stopFollowing();
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await pidFileWritten(dir, child, exited, () => startupLog);
    started = true;
    if (startupLog) options.onErrorLog?.(startupLog); // warnings, such as too few open files for worker_connections
    if (options.onAccessLog) stopFollowing = followFile(join(dir, 'access.log'), options.onAccessLog);
  } catch (error) {
    await stop();
    throw error;
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${urlHost}:${options.port}`, pid: child.pid!, version, dir, exited, stop };
}

/** "nginx/1.22.1", from `nginx -v`; a binary that will not run counts as missing. */
function nginxVersion(binary: string): string {
  const probe = spawnSync(binary, ['-v'], { encoding: 'utf8' });
  const version = /nginx\/\S+/.exec(`${probe.stderr}${probe.stdout}`)?.[0];
  if (probe.status !== 0 || version === undefined) throw new NginxMissingError(`${binary} -v did not run: install nginx with ${INSTALL_HINT}`);
  return version;
}

/** Resolve once nginx has written its pid in its pid file; reject if it exits first, with its first complaint. */
async function pidFileWritten(dir: string, child: ChildProcess, exited: Promise<unknown>, stderr: () => string): Promise<void> {
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const giveUpAt = Date.now() + START_LIMIT_MS;
  while (!hasExited) {
    const written = await readFile(join(dir, 'nginx.pid'), 'utf8').catch(() => '');
    if (written.trim() === String(child.pid)) return;
    if (Date.now() > giveUpAt) throw new Error(`nginx did not start within ${START_LIMIT_MS} ms: ${firstComplaint(stderr())}`);
    await new Promise((resolve) => setTimeout(resolve, START_CHECK_MS));
  }
  throw new Error(firstComplaint(stderr()));
}

/** nginx's first [emerg] line without its date and pid, e.g. "bind() to 127.0.0.1:3080 failed (98: Address already in use)". */
function firstComplaint(stderr: string): string {
  const line = stderr.split('\n').find((text) => text.includes('[emerg]')) ?? stderr.trim();
  return line.replace(/^.*\[emerg\] \d+#\d+: /, '').replace(/^nginx: \[emerg\] /, '') || 'nginx exited without saying why';
}

async function stopNginx(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  // The whole group: a master killed outright would leave its worker behind.
  const killer = setTimeout(() => killGroup(child, 'SIGKILL'), EXIT_LIMIT_MS);
  await exited;
  clearTimeout(killer);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // Deliberately ignored: the group is already gone, which is what we wanted.
  }
}
