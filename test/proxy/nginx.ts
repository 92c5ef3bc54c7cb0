// nginx for one test: `startProxy` on a free loopback port in front of a
// server the test started, from its own temp folder, stopped by the test.

import { freePort } from '../../bench/free-port.ts';
import { findNginx } from '../../proxy/find-nginx.ts';
import { startProxy, type ProxyOptions, type RunningProxy } from '../../proxy/start-proxy.ts';

/** Whether Debian's nginx is installed (`apt-get install -y nginx-light`). */
export const nginxInstalled = findNginx() !== null;

/**
 * Proxy suites run when nginx is installed, and always under CI, where a
 * missing nginx must fail the run rather than skip it quietly.
 */
export const skipNginxSuites = !nginxInstalled && !process.env.CI;
if (skipNginxSuites) {
  console.warn('Skipping the proxy tests: nginx is not installed. Install it with: apt-get install -y nginx-light');
}

/** nginx on a free port, passing requests to `target` (a server's URL). */
export async function startTestProxy(target: string, options: Partial<ProxyOptions> = {}): Promise<RunningProxy> {
  return startProxy({ target, port: await freePort(), ...options });
}
