// The command line: `npm run bench -- [options]`. Parses flags, runs the
// bench with a progress line, prints a table, and writes the results and
// the report. The work itself is in run-bench.ts.

import { join, relative, resolve } from 'node:path';
import yargs from 'yargs/yargs';
import { hideBin } from 'yargs/helpers';
import { clientProtocols } from './clients/registry.ts';
import { writeReport, writeResultFiles } from './report/write-report.ts';
import { runBench, type Progress } from './run-bench.ts';
import { summaryTable } from './summary-table.ts';
import { PLAIN_REFERENCE } from './versus-reference.ts';

const USAGE_ERROR_EXIT = 2;
const FULL = { clients: '10,100,1000,5000', duration: 8 };
/** --quick: the whole run in under a minute, for a class. */
const QUICK = { clients: '10,100', duration: 1 };
/** Every workbench strategy the bench has clients for, then the plain reference they are compared with. */
const knownStrategies = [...Object.keys(clientProtocols), PLAIN_REFERENCE];
/** With --url: the part of the HTTP contract a server of one's own most likely speaks. */
const URL_DEFAULT_STRATEGY = 'long-poll';
/** --servers: one server on its memory room, or two sharing a private Redis room (scale-out). */
const SERVER_COUNTS = [1, 2];

const argv = yargs(hideBin(process.argv))
  .scriptName('npm run bench --')
  .usage(
    '$0 [options]\n\nMeasures every strategy on the same workload, each on a fresh server over real HTTP,\n' +
      'then prints a table and writes results/<date>-<commit>.json, results/latest.json and results/report.html.',
  )
  .option('strategies', {
    type: 'string',
    describe: `Comma-separated strategies to measure; ${PLAIN_REFERENCE} is bench/reference/plain-long-poll.ts [default: all of them: ${knownStrategies.join(',')}; ${URL_DEFAULT_STRATEGY} with --url]`,
  })
  .option('url', {
    type: 'string',
    describe: 'Measure the server already running at this URL (one that speaks the HTTP contract) instead of starting fresh ones',
  })
  .option('pid', { type: 'number', describe: "With --url: the server's process, for its CPU and memory [default: found from the port, if it is on this machine]" })
  .option('clients', { type: 'string', describe: `Comma-separated numbers of simulated clients [default: ${FULL.clients}; ${QUICK.clients} with --quick]` })
  .option('servers', {
    type: 'string',
    default: '1',
    describe: 'Comma-separated numbers of servers per point: 1 (one server, memory room) and/or 2 (two servers sharing a private redis-server; needs Debian\'s redis-server)',
  })
  .option('workload', {
    choices: ['idle', 'chat', 'sweep'] as const,
    default: 'sweep' as const,
    describe: 'idle: clients wait, no messages; chat: one publisher at --rate; sweep: both, at each number of clients',
  })
  .option('duration', { type: 'number', describe: `Seconds of each phase (idle, chat) [default: ${FULL.duration}; ${QUICK.duration} with --quick]` })
  .option('rate', { type: 'number', default: 5, describe: 'Messages per second posted during the chat phase' })
  .option('repeat', { type: 'number', default: 1, describe: 'Runs per point; above 1 the figures are medians, with minima beside them' })
  .option('server-args', { type: 'string', default: '', describe: 'Extra flags for every server, e.g. "--hold-timeout 10000"' })
  .option('quick', { type: 'boolean', default: false, describe: `A run under a minute: ${QUICK.clients} clients, ${QUICK.duration} s phases, into results/quick` })
  .option('out', { type: 'string', describe: 'Folder for the results and the report [default: results, or results/quick with --quick]' })
  .option('profile-server', { type: 'string', describe: 'Write a V8 CPU profile of each server into this folder (node --cpu-prof); open it in Chrome DevTools' })
  .option('png', { type: 'boolean', describe: 'Also render the latency chart to latency-vs-clients.png with headless Chromium [default: on, off with --quick]' })
  .example('npm run bench -- --quick', 'every strategy at 10 and 100 clients, in under a minute')
  .example('npm run bench', 'the full sweep: 10, 100, 1000 and 5000 clients, about 10 minutes')
  .example('npm run bench -- --strategies long-poll --clients 1000,5000,10000 --repeat 3', 'the long-poll fan-out targets, median of 3')
  .example('npm run bench -- --workload idle --clients 5000', 'what 5000 waiting clients cost, per strategy')
  .example('npm run bench -- --strategies long-poll,sse --clients 100,1000 --servers 1,2', 'one server against two sharing Redis (scale-out)')
  .example('npm run bench -- --strategies long-poll,plain-reference --clients 1000,5000', 'the workbench\'s long poll beside the plain reference')
  .example('npm run bench -- --url http://127.0.0.1:3001 --clients 10,100', 'a server you started yourself (yours, or the plain reference), on the long-poll contract')
  .check((args) => {
    for (const name of strategiesOf(args)) {
      if (!knownStrategies.includes(name)) throw new Error(`Unknown strategy "${name}". The bench has clients for: ${knownStrategies.join(', ')}`);
    }
    for (const count of parseList(args.clients ?? FULL.clients)) {
      if (!Number.isInteger(count) || count < 1) throw new Error(`--clients must list whole numbers above 0, got "${args.clients}"`);
    }
    for (const count of parseList(args.servers)) {
      if (!SERVER_COUNTS.includes(count)) throw new Error(`--servers must list ${SERVER_COUNTS.join(' or ')}, got "${args.servers}"`);
    }
    if (/(^|\s)--room\b/.test(String(args.serverArgs))) {
      throw new Error('--server-args must not choose the room: the bench gives one server its memory room and several a private Redis room');
    }
    if (args.url !== undefined) checkUrlOptions({ ...args, serverArgs: args['server-args'], profileServer: args['profile-server'] });
    else if (args.pid !== undefined) throw new Error('--pid goes with --url: the bench knows the servers it starts');
    if (args.duration !== undefined && !(args.duration > 0)) throw new Error(`--duration must be above 0 seconds, got ${args.duration}`);
    if (!(args.rate > 0)) throw new Error(`--rate must be above 0 messages per second, got ${args.rate}`);
    if (!Number.isInteger(args.repeat) || args.repeat < 1) throw new Error(`--repeat must be a whole number above 0, got ${args.repeat}`);
    return true;
  })
  .strict()
  .help()
  .fail((message, error) => {
    console.error(message ?? error?.message);
    console.error('Run with --help to see the options.');
    process.exit(USAGE_ERROR_EXIT);
  })
  .parseSync();

const defaults = argv.quick ? QUICK : FULL;
const duration = argv.duration ?? defaults.duration;
const outDir = argv.out ?? (argv.quick ? join('results', 'quick') : 'results');

const results = await runBench(
  {
    command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2).map(shellQuoted)] : [])].join(' '),
    workload: argv.workload,
    strategies: strategiesOf(argv),
    clients: parseList(argv.clients ?? defaults.clients),
    servers: [...new Set(parseList(argv.servers))],
    idleSeconds: duration,
    chatSeconds: duration,
    messagesPerSecond: argv.rate,
    repeat: argv.repeat,
    serverArguments: argv.serverArgs.split(' ').filter(Boolean),
    serverNodeArguments: argv.profileServer ? ['--cpu-prof', '--cpu-prof-dir', resolve(argv.profileServer)] : [],
    url: argv.url,
    pid: argv.pid,
  },
  showProgress,
);
process.stderr.write(process.stderr.isTTY ? '\r\x1b[K' : '');

console.log(`\n${summaryTable(results)}\n`);
console.log(`pinning: ${results.pinning.note}`);
const target = results.points.find((point) => point.target)?.target;
if (target) console.log(`target:  ${target.url}, ${target.pid === null ? 'process not found: CPU and memory not measured' : `process ${target.pid} (${target.pidFoundBy})`}`);
if (results.scaleOutCaveat) console.log(`caveat:  ${results.scaleOutCaveat}`);
const dated = await writeResultFiles(results, outDir);
const report = await writeReport(results, outDir);
console.log(`results: ${relative('.', dated)} and ${relative('.', join(outDir, 'latest.json'))}`);
const servedAt = relative('results', report).startsWith('..') ? '' : ` (or http://127.0.0.1:3000/results/${relative('results', report)} while npm start runs)`;
console.log(`report:  ${relative('.', report)}${servedAt}`);
if (argv.png ?? !argv.quick) {
  const png = join(outDir, 'latency-vs-clients.png');
  // Loaded only when wanted: it brings in a browser driver.
  const { renderChartPng } = await import('./report/render-png.ts');
  await renderChartPng(report, '#latency-vs-clients', png)
    .then(() => console.log(`chart:   ${relative('.', png)}`))
    .catch((error: Error) => console.error(`could not render ${png}: ${error.message}`));
}

function strategiesOf(args: { strategies?: string; url?: string }): string[] {
  return (args.strategies ?? (args.url !== undefined ? URL_DEFAULT_STRATEGY : knownStrategies.join(','))).split(',');
}

/** --url measures one server someone else started: the flags that start or shape servers do not apply. */
function checkUrlOptions(args: { url?: string; pid?: number; strategies?: string; servers: string; serverArgs: string; profileServer?: string }): void {
  let url: URL;
  try {
    url = new URL(String(args.url));
  } catch {
    throw new Error(`--url must be a URL such as http://127.0.0.1:3001, got "${args.url}"`);
  }
  if (url.protocol !== 'http:') throw new Error(`--url must be an http:// URL, got "${args.url}"`);
  if (args.pid !== undefined && !(Number.isInteger(args.pid) && args.pid > 0)) throw new Error(`--pid must be a process id, got ${args.pid}`);
  if (strategiesOf(args).includes(PLAIN_REFERENCE)) {
    throw new Error(`--url measures the server at that URL: to measure the plain reference there, start it and name the strategy it speaks (${URL_DEFAULT_STRATEGY})`);
  }
  if (parseList(args.servers).some((count) => count !== 1)) throw new Error('--url measures one server: --servers must be 1');
  if (args.serverArgs !== '' || args.profileServer !== undefined) throw new Error('--server-args and --profile-server shape servers the bench starts: not one at --url');
}

/** An argument as it would be typed again: quoted if it holds a space. */
function shellQuoted(argument: string): string {
  return /[\s"'$]/.test(argument) ? `'${argument.replace(/'/g, `'\\''`)}'` : argument;
}

function parseList(list: string): number[] {
  return list.split(',').map((item) => Number(item.trim()));
}

/** A one-line progress bar on a terminal; one line per finished point otherwise (logs, CI). */
function showProgress({ done, total, strategy, clients, phase }: Progress): void {
  const width = 24;
  const filled = Math.round((width * done) / total);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${bar}  ${strategy} at ${clients} clients: ${phase}`);
  else if (phase === 'done' || phase === 'not reached') process.stderr.write(`${bar}  ${strategy} at ${clients} clients: ${phase}\n`);
}

// Ctrl-C: exit through process 'exit', where any running server is killed.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));
