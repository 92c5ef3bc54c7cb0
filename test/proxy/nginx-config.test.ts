// The config text: every file nginx writes stays in its folder, and each
// flag reaches the directive named after it. (What the directives do is shown
// against a real nginx in the other files here.)

import { describe, expect, it } from 'vitest';
import { nginxConfig, upstreamAddress, type ProxySettings } from '../../proxy/nginx-config.ts';

const SETTINGS: ProxySettings = {
  dir: '/tmp/pollbench-proxy-test',
  host: '127.0.0.1',
  port: 3080,
  upstream: '127.0.0.1:3000',
  readTimeoutMs: 30_000,
  buffering: true,
  httpVersion: '1.1',
  upgrade: true,
  maxConnections: 1024,
};

describe('the nginx config', () => {
  it('names no path outside its own folder: nothing under /etc or /var', () => {
    const config = nginxConfig(SETTINGS);
    // Every absolute path a directive names (a lone "/" is the location, not a path).
    const paths = config.split('\n').filter((line) => !line.trim().startsWith('#')).join('\n').match(/(?<=\s)\/[^\s;]+/g) ?? [];
    expect(paths.length).toBeGreaterThan(5); // the pid file, the access log and the temp folders
    expect(paths.filter((path) => !path.startsWith(`${SETTINGS.dir}/`))).toEqual([]);
  });

  it('turns each setting into its directive', () => {
    const config = nginxConfig({ ...SETTINGS, readTimeoutMs: 1234, buffering: false, httpVersion: '1.0', maxConnections: 77 });
    expect(config).toMatch(/^\s*proxy_read_timeout 1234ms;$/m);
    expect(config).toMatch(/^\s*proxy_buffering off;$/m);
    expect(config).toMatch(/^\s*proxy_http_version 1\.0;$/m);
    expect(config).toMatch(/^\s*worker_connections 77;$/m);
    expect(config).toMatch(/^\s*listen 127\.0\.0\.1:3080;$/m);
    expect(config).toMatch(/^\s*server 127\.0\.0\.1:3000;$/m);
  });

  it('passes the Upgrade header on only with upgrades on', () => {
    expect(nginxConfig(SETTINGS)).toMatch(/^\s*proxy_set_header Upgrade \$http_upgrade;$/m);
    expect(nginxConfig({ ...SETTINGS, upgrade: false })).not.toMatch(/Upgrade \$http_upgrade/);
  });
});

describe('the --target URL', () => {
  it.each([
    ['http://127.0.0.1:3000', '127.0.0.1:3000'],
    ['http://localhost', 'localhost:80'],
    ['http://127.0.0.1:3000/', '127.0.0.1:3000'],
  ])('%s is proxied to %s', (target, address) => {
    expect(upstreamAddress(target)).toBe(address);
  });

  it.each(['https://127.0.0.1:3000', 'http://127.0.0.1:3000/api', 'http://127.0.0.1:3000/?x=1', '127.0.0.1:3000', 'not a url'])('%s is refused', (target) => {
    expect(() => upstreamAddress(target)).toThrow(/--target must be/);
  });
});
