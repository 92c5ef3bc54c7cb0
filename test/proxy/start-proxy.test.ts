// startProxy itself: nginx from a temp folder of its own, and nothing left
// once it stops. Real nginx, real sockets.

import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../bench/free-port.ts';
import { startProxy, type RunningProxy } from '../../proxy/start-proxy.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { skipNginxSuites, startTestProxy } from './nginx.ts';
import { nginxWorkers, portIsFree, processExists } from './processes.ts';

describe.skipIf(skipNginxSuites)('startProxy', () => {
  let server: TestServer | undefined;
  let proxy: RunningProxy | undefined;
  let squatter: Server | undefined;
  afterEach(async () => {
    await proxy?.stop();
    await server?.stop();
    squatter?.close();
  });

  it('runs nginx from a temp folder holding its config, logs and every temp folder', async () => {
    server = await startTestServer();
    proxy = await startTestProxy(server.url);
    expect(await (await fetch(`${proxy.url}/api/config`)).json()).toHaveProperty('strategies');
    expect((await readdir(proxy.dir)).sort()).toEqual(
      ['access.log', 'client_body', 'error.log', 'fastcgi', 'nginx.conf', 'nginx.pid', 'proxy', 'scgi', 'uwsgi'],
    );
  });

  it('stops nginx, master and worker, frees the port and removes the folder', async () => {
    server = await startTestServer();
    proxy = await startTestProxy(server.url);
    const { pid, dir, url } = proxy;
    const workers = await nginxWorkers(pid);
    expect(workers.length).toBeGreaterThan(0);

    await proxy.stop();
    expect([pid, ...workers].filter(processExists)).toEqual([]);
    expect(await portIsFree(Number(new URL(url).port))).toBe(true);
    expect(existsSync(dir)).toBe(false);
  });

  it("fails with nginx's own reason when the port is taken, and leaves no folder", async () => {
    const port = await freePort();
    squatter = createServer().listen(port, '127.0.0.1');
    await once(squatter, 'listening');
    // os.tmpdir() follows TMPDIR: the proxy makes its folder in one of ours, which must end up empty.
    const parent = await mkdtemp(join(tmpdir(), 'pollbench-tmpdir-'));
    const usualTmpdir = process.env.TMPDIR;
    process.env.TMPDIR = parent;
    try {
      const start = startProxy({ target: 'http://127.0.0.1:3000', port });
      await expect(start).rejects.toThrow(/bind\(\) to 127\.0\.0\.1:\d+ failed \(98: Address already in use\)/);
      expect(await readdir(parent)).toEqual([]);
    } finally {
      if (usualTmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = usualTmpdir;
      await rm(parent, { recursive: true, force: true });
    }
  });

  it('refuses a target that is not http://host:port before starting anything', async () => {
    await expect(startProxy({ target: 'https://127.0.0.1:3000', port: await freePort() })).rejects.toThrow(/--target must be http:\/\/host:port/);
    await expect(startProxy({ target: 'http://127.0.0.1:3000/api', port: await freePort() })).rejects.toThrow(/nothing after it/);
  });
});
