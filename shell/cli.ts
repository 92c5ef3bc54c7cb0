// The command line: `npm start -- [options]`. Parses flags, starts the shell,
// prints where to point a browser, and shuts down cleanly on Ctrl-C.

import yargs from 'yargs/yargs';
import { hideBin } from 'yargs/helpers';
import { DEFAULT_STRATEGY, camelCase, strategies } from '../strategies/registry.ts';
import { openRoom } from '../room/open-room.ts';
import { DEFAULT_HISTORY_LIMIT } from '../room/room.ts';
import { DEFAULT_MAX_HELD } from './held-budget.ts';
import { DEFAULT_MAX_BODY_BYTES } from './read-draft.ts';
import { DEFAULT_HEADERS_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, startShell } from './shell.ts';

/** Usage errors (an unknown strategy, a bad number) exit with this code. */
const USAGE_ERROR_EXIT = 2;
/** If shutting down hangs past this, exit anyway: a stop must not need a second Ctrl-C. */
const SHUTDOWN_DEADLINE_MS = 1800;
/** Exit code when the deadline had to cut shutdown short. */
const FORCED_EXIT = 1;
/** Flags that must be at least 1 (a zero limit or timeout would refuse everything). */
const POSITIVE_FLAGS = new Set(['maxBody', 'maxHeld', 'history', 'headersTimeout', 'requestTimeout']);

const strategyNames = strategies.map((strategy) => strategy.name);

let parser = yargs(hideBin(process.argv))
  .scriptName('npm start --')
  .usage('$0 [options]\n\nServes the pollbench chat and every strategy at once; --strategy picks the default one.')
  .option('strategy', {
    type: 'string',
    default: DEFAULT_STRATEGY,
    describe: `Default strategy: ${strategyNames.join(', ')}`,
  })
  .option('port', { type: 'number', default: 3000, describe: 'Port to listen on (0 picks a free one)' })
  .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on (0.0.0.0 to let a classroom LAN in)' })
  .option('data-dir', { type: 'string', default: './data', describe: 'Folder for data files: the message log (messages.jsonl) and the mtime strategy\'s data.txt' })
  .option('max-body', { type: 'number', default: DEFAULT_MAX_BODY_BYTES, describe: 'Largest accepted request body, in bytes' })
  .option('history', { type: 'number', default: DEFAULT_HISTORY_LIMIT, describe: 'Messages the room keeps (memory or Redis); an older cursor gets what is left and "gap": true' })
  .option('max-held', { type: 'number', default: DEFAULT_MAX_HELD, describe: 'Requests held open at once, all strategies together; beyond it, 503 with Retry-After' })
  .option('headers-timeout', { type: 'number', default: DEFAULT_HEADERS_TIMEOUT_MS, describe: 'Milliseconds a client has to send its request headers' })
  .option('request-timeout', { type: 'number', default: DEFAULT_REQUEST_TIMEOUT_MS, describe: 'Milliseconds a client has to send its whole request, body included' })
  .option('cors', { type: 'string', describe: 'One origin (e.g. http://127.0.0.1:8080) whose pages may call the API; off if not given' })
  .option('room', { type: 'string', describe: 'Where the conversation lives: memory (the default) or a redis:// URL that several servers share, e.g. redis://127.0.0.1:6379' });

const minimums = new Map<string, number>();
for (const strategy of strategies) {
  for (const option of strategy.options) {
    parser = parser.option(option.flag, { type: 'number', default: option.default, describe: `[${strategy.name}] ${option.describe}` });
    minimums.set(camelCase(option.flag), option.min ?? 0);
  }
}

const argv = parser
  .example('npm start', 'long polling by default, on http://127.0.0.1:3000')
  .example('npm start -- --poll-interval 2000', 'short-poll clients ask every 2 s')
  .example('npm start -- --strategy long-poll-mtime', "the source document's data-file long poll")
  .example('npm start -- --host 0.0.0.0 --port 8080', 'let a classroom join over the LAN')
  .check((args) => {
    if (!strategyNames.includes(args.strategy)) {
      throw new Error(`Unknown strategy "${args.strategy}". Valid strategies: ${strategyNames.join(', ')}`);
    }
    for (const [key, value] of Object.entries(args)) {
      if (typeof value !== 'number' || key.includes('-')) continue;
      const min = minimums.get(key) ?? (POSITIVE_FLAGS.has(key) ? 1 : 0);
      if (!Number.isFinite(value) || value < min) throw new Error(`--${kebabCase(key)} must be a number >= ${min}, got ${value}`);
    }
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

const settings: Record<string, number> = {};
for (const strategy of strategies) {
  for (const option of strategy.options) settings[camelCase(option.flag)] = argv[camelCase(option.flag)] as number;
}

const room = await openRoom(argv.room, { dataDir: argv.dataDir, historyLimit: argv.history }).catch((error: Error) => {
  console.error(`Could not open the room: ${error.message}`);
  process.exit(1);
});

const shell = await startShell({
  room,
  port: argv.port,
  host: argv.host,
  defaultStrategy: argv.strategy,
  dataDir: argv.dataDir,
  maxBodyBytes: argv.maxBody,
  maxHeld: argv.maxHeld,
  headersTimeoutMs: argv.headersTimeout,
  requestTimeoutMs: argv.requestTimeout,
  corsOrigin: argv.cors,
  settings,
}).catch((error: Error) => {
  console.error(`Could not start: ${error.message}`);
  process.exit(1);
});

console.log(`pollbench is serving the chat on ${shell.url}  (default strategy: ${argv.strategy})`);
if (argv.host === '0.0.0.0' || argv.host === '::') {
  for (const url of shell.joinUrls) console.log(`  from the classroom: ${url}`);
}
console.log('Press Ctrl-C to stop.');

let stopping = false;
async function shutDown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: answering held requests, writing the log and shutting down...`);
  setTimeout(() => {
    console.error(`still shutting down after ${SHUTDOWN_DEADLINE_MS} ms: exiting anyway`);
    process.exit(FORCED_EXIT);
  }, SHUTDOWN_DEADLINE_MS).unref();
  await shell.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutDown('SIGINT'));
process.on('SIGTERM', () => void shutDown('SIGTERM'));

function kebabCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => '-' + letter.toLowerCase());
}
