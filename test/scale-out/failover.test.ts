// Failover: two real server processes (`node --import tsx shell/cli.ts --room
// redis://...`) on one room. One is killed with SIGKILL, as a crash or a
// pulled plug would; its clients carry their cursor to the other server and
// lose nothing. No sticky sessions: the cursor says where a client is.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Message, MessagesPage } from '../../wire/types.ts';
import { startPrivateRedis, skipRedisSuites, type PrivateRedis } from '../support/redis.ts';
import { eventually, heldBecomes, messagesUrl, post, receive } from '../support/server.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** How long a server process has to print its URL. */
const START_LIMIT_MS = 20_000;

interface ServerProcess {
  url: string;
  child: ChildProcess;
  dataDir: string;
}

async function startServerProcess(roomUrl: string): Promise<ServerProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pollbench-failover-'));
  const args = ['--import', 'tsx', 'shell/cli.ts', '--port', '0', '--room', roomUrl, '--data-dir', dataDir, '--hold-timeout', '120000'];
  const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within ${START_LIMIT_MS} ms:\n${output}`)), START_LIMIT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /serving the chat on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}:\n${output}`)));
  });
  return { url, child, dataDir };
}

async function killServer(server: ServerProcess, signal: NodeJS.Signals): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null) {
    const exited = once(server.child, 'exit');
    server.child.kill(signal);
    await exited;
  }
  await rm(server.dataDir, { recursive: true, force: true });
}

/** A client that knows two servers and moves to the other when its server fails, keeping its cursor. */
interface FailoverClient {
  received: Message[];
  /** The server each answer came from, in order. */
  servedBy: string[];
  stop(): Promise<void>;
}

function longPollWithFailover(servers: ServerProcess[], since: string): FailoverClient {
  const client: FailoverClient = { received: [], servedBy: [], stop };
  const stopping = new AbortController();
  let cursor = since;
  let current = 0;
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      const server = servers[current];
      try {
        const response = await fetch(messagesUrl(server, 'long-poll', cursor), { signal: stopping.signal });
        const page = (await response.json()) as MessagesPage;
        client.received.push(...page.messages);
        client.servedBy.push(server.url);
        cursor = page.cursor;
      } catch {
        if (stopping.signal.aborted) return;
        current = (current + 1) % servers.length; // the connection failed: the other server, same cursor
      }
    }
  })();
  async function stop() {
    stopping.abort();
    await loop;
  }
  return client;
}

/** EventSource's own recovery, by hand: when the stream breaks, reconnect (here: elsewhere) with Last-Event-ID. */
function sseWithFailover(servers: ServerProcess[], since: string): FailoverClient {
  const client: FailoverClient = { received: [], servedBy: [], stop };
  const stopping = new AbortController();
  let current = 0;
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      const server = servers[current];
      const lastEventId = client.received.at(-1)?.id;
      const headers: Record<string, string> = lastEventId ? { 'Last-Event-ID': lastEventId } : {};
      try {
        const response = await fetch(`${server.url}/api/sse/events?since=${encodeURIComponent(since)}`, { headers, signal: stopping.signal });
        const reader = response.body!.getReader();
        const decoder = new TextDecoder();
        let buffered = '';
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffered += decoder.decode(value, { stream: true });
          let end: number;
          while ((end = buffered.indexOf('\n\n')) >= 0) {
            const data = buffered.slice(0, end).split('\n').find((line) => line.startsWith('data:'));
            buffered = buffered.slice(end + 2);
            if (data) {
              client.received.push(JSON.parse(data.slice('data:'.length)) as Message);
              client.servedBy.push(server.url);
            }
          }
        }
      } catch {
        if (stopping.signal.aborted) return;
      }
      current = (current + 1) % servers.length;
    }
  })();
  async function stop() {
    stopping.abort();
    await loop;
  }
  return client;
}

describe.skipIf(skipRedisSuites)('failover between two server processes on one Redis room', () => {
  let redis: PrivateRedis;
  let servers: ServerProcess[] = [];
  let client: FailoverClient | undefined;

  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(() => redis?.stop());
  beforeEach(async () => {
    const roomUrl = redis.roomUrl('failover');
    servers = await Promise.all([startServerProcess(roomUrl), startServerProcess(roomUrl)]);
  });
  afterEach(async () => {
    await client?.stop();
    client = undefined;
    await Promise.all(servers.map((server) => killServer(server, 'SIGTERM')));
  });

  async function postOnB(text: string): Promise<string> {
    const { status, body } = await post(servers[1], 'short-poll', { author: 'bea', text });
    expect(status).toBe(201);
    return body.id;
  }

  it('a long-poll client whose server is killed carries its cursor to the other and loses nothing', async () => {
    const [serverA, serverB] = servers;
    const { body: start } = await receive(serverA, 'long-poll');
    client = longPollWithFailover(servers, start.cursor);
    const sent = [await postOnB('before the crash')];
    await eventually(() => client!.received.length === 1, 'the client has the first message, through A');
    await heldBecomes(serverA, 'long-poll', 1);

    await killServer(serverA, 'SIGKILL');
    sent.push(await postOnB('during the failover'), await postOnB('after the crash'));
    await eventually(() => client!.received.length >= 3, 'the client has all three messages');

    expect(client.received.map((message) => message.id)).toEqual(sent);
    expect(client.servedBy[0]).toBe(serverA.url);
    expect(client.servedBy.at(-1)).toBe(serverB.url);
  });

  it('an SSE client whose server is killed reconnects to the other with Last-Event-ID and loses nothing', async () => {
    const [serverA, serverB] = servers;
    const { body: start } = await receive(serverA, 'short-poll');
    client = sseWithFailover(servers, start.cursor);
    const sent = [await postOnB('before the crash')];
    await eventually(() => client!.received.length === 1, 'the client has the first message, through A');

    await killServer(serverA, 'SIGKILL');
    sent.push(await postOnB('during the failover'), await postOnB('after the crash'));
    await eventually(() => client!.received.length >= 3, 'the client has all three messages');

    expect(client.received.map((message) => message.id)).toEqual(sent);
    expect(client.servedBy[0]).toBe(serverA.url);
    expect(client.servedBy.at(-1)).toBe(serverB.url);
  });
});
