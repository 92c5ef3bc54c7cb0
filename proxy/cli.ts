// The command line: `npm run proxy -- [options]`. Puts Debian's nginx in
// front of a pollbench server, in the foreground, prints where to point a
// browser, echoes nginx's logs, and on Ctrl-C stops nginx and removes its
// temp folder. The work itself is in start-proxy.ts.

import yargs from 'yargs/yargs';
import { hideBin } from 'yargs/helpers';
import { NginxMissingError } from './find-nginx.ts';
import { HTTP_VERSIONS, NGINX_DEFAULT_READ_TIMEOUT_MS, upstreamAddress } from './nginx-config.ts';
import { startProxy } from './start-proxy.ts';

/** Usage errors (a bad flag or target) exit with this code, as npm start's do. */
const USAGE_ERROR_EXIT = 2;
/** No nginx, or nginx would not start. */
const START_FAILED_EXIT = 1;
/** If stopping hangs past this, exit anyway (the exit hook still kills nginx and removes its folder). */
const SHUTDOWN_DEADLINE_MS = 5000;
const ON_OFF = ['on', 'off'] as const;
const HONOUR_IGNORE = ['honour', 'ignore'] as const;

const argv = yargs(hideBin(process.argv))
  .scriptName('npm run proxy --')
  .usage(
    '$0 [options]\n\nRuns Debian\'s nginx as a reverse proxy in front of a pollbench server, in the foreground, ' +
      'from a temp folder (nothing under /etc). Ctrl-C stops nginx and removes the folder.',
  )
  .option('target', { type: 'string', default: 'http://127.0.0.1:3000', describe: 'The pollbench server nginx passes requests to' })
  .option('port', { type: 'number', default: 3080, describe: 'Port nginx listens on' })
  .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address nginx listens on (0.0.0.0 to let a classroom LAN in)' })
  .option('read-timeout', {
    type: 'number',
    default: NGINX_DEFAULT_READ_TIMEOUT_MS,
    describe: "proxy_read_timeout in ms: how long nginx waits for the server to send anything; a longer hold ends in 504 (60000 is nginx's default)",
  })
  .option('buffering', {
    choices: ON_OFF,
    default: 'on' as const,
    describe: 'proxy_buffering: on, nginx gathers answers in buffers before passing them on (nginx\'s default)',
  })
  .option('http-version', {
    type: 'string',
    choices: HTTP_VERSIONS,
    default: '1.1' as const,
    describe: 'proxy_http_version, spoken to the server. 1.0 (nginx\'s default): a new connection per request, and with buffering on a stream without "X-Accel-Buffering: no" stalls until 4 KiB wait',
  })
  .option('accel-buffering', {
    choices: HONOUR_IGNORE,
    default: 'honour' as const,
    describe: 'What nginx does with a server\'s "X-Accel-Buffering: no": honour it, or ignore it and buffer the stream anyway (proxy_ignore_headers)',
  })
  .option('upgrade', {
    choices: ON_OFF,
    default: 'on' as const,
    describe: 'Pass the Upgrade and Connection headers on; off, no WebSocket can connect through the proxy',
  })
  .option('max-connections', {
    type: 'number',
    default: 1024,
    describe: 'worker_connections: connections nginx holds at once; each proxied request takes two (client and server)',
  })
  .option('nginx', { type: 'string', describe: 'The nginx binary to run [default: nginx on PATH, else /usr/sbin/nginx]' })
  .example('npm run proxy', 'nginx on http://127.0.0.1:3080 in front of npm start on :3000')
  .example('npm run proxy -- --read-timeout 3000', 'long polls held over 3 s end in 504 Gateway Time-out')
  .example('npm run proxy -- --read-timeout 30000', 'longer than the 25 s hold: long polls come back empty, as they should')
  .example('npm run proxy -- --http-version 1.0', "nginx's default: no keep-alive to the server; streams rely on X-Accel-Buffering: no")
  .example('npm run proxy -- --http-version 1.0 --buffering off', 'pass every byte on at once, whatever the server says')
  .example('npm run proxy -- --http-version 1.0 --accel-buffering ignore', 'a proxy that buffers every stream: SSE events stall in it')
  .example('npm run proxy -- --upgrade off', 'a proxy that drops the Upgrade header: WebSockets fail to connect')
  .check((args) => {
    upstreamAddress(args.target); // throws a one-line explanation
    if (!Number.isInteger(args.port) || args.port < 1 || args.port > 65535) throw new Error(`--port must be a port number from 1 to 65535, got ${args.port}`);
    if (!Number.isInteger(args['read-timeout']) || args['read-timeout'] < 1) throw new Error(`--read-timeout must be a whole number of ms >= 1, got ${args['read-timeout']}`);
    if (!Number.isInteger(args['max-connections']) || args['max-connections'] < 2) throw new Error(`--max-connections must be a whole number >= 2, got ${args['max-connections']}`);
    return true;
  })
  .strict()
  .help()
  .fail((message, error) => {
    console.error(`${message ?? error?.message} (run with --help to see the options)`);
    process.exit(USAGE_ERROR_EXIT);
  })
  .parseSync();

const proxy = await startProxy({
  target: argv.target,
  port: argv.port,
  host: argv.host,
  readTimeoutMs: argv.readTimeout,
  buffering: argv.buffering === 'on',
  httpVersion: argv.httpVersion,
  upgrade: argv.upgrade === 'on',
  ignoreAccelBuffering: argv.accelBuffering === 'ignore',
  maxConnections: argv.maxConnections,
  nginx: argv.nginx,
  onAccessLog: (text) => process.stdout.write(text),
  onErrorLog: (text) => process.stderr.write(text),
}).catch((error: Error) => {
  console.error(error instanceof NginxMissingError ? error.message : `Could not start nginx: ${error.message}`);
  process.exit(START_FAILED_EXIT);
});

console.log(`${proxy.version} (pid ${proxy.pid}) is proxying ${proxy.url} to ${argv.target}`);
console.log(`  HTTP/${argv.httpVersion} to the server, read timeout ${argv.readTimeout} ms, buffering ${argv.buffering} (X-Accel-Buffering: ${argv.accelBuffering}), WebSocket upgrades ${argv.upgrade}`);
console.log(`  its config: ${proxy.dir}/nginx.conf (removed when it stops)`);
console.log('Each answer is logged below: status, time taken, request, and what the server answered.');
console.log('Press Ctrl-C to stop.');

let stopping = false;
async function shutDown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping nginx and removing ${proxy.dir}`);
  setTimeout(() => {
    console.error(`still stopping after ${SHUTDOWN_DEADLINE_MS} ms: killing nginx`);
    process.exit(START_FAILED_EXIT);
  }, SHUTDOWN_DEADLINE_MS).unref();
  await proxy.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutDown('SIGINT'));
process.on('SIGTERM', () => void shutDown('SIGTERM'));

// nginx ending by itself (killed, crashed) ends the proxy too, rather than leave a CLI proxying nothing.
void proxy.exited.then(async (how) => {
  if (stopping) return;
  stopping = true;
  console.error(`nginx exited by itself (${how}); stopping`);
  await proxy.stop();
  process.exit(START_FAILED_EXIT);
});
