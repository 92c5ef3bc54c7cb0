// Checks exercise 6 of lesson 7: a capacity model on paper for a million
// connected clients, fed with the figures of the committed bench run.
//
// The figures come from results/latest.json through the same paths the
// lesson's {{bench: ...}} markers use, so the student's table and the check
// agree. The checker works the two scenarios out itself and compares each of
// the student's answers: counts exactly, the others within 10 %.

import { lookUpFigure, MissingFigure } from '../../wire/lesson.ts';
import { readBenchResults } from '../bench-figures.ts';
import type { CheckOutcome } from './outcome.ts';

/** Where each measured cost is in a bench result: the lesson quotes the same paths. */
export const CAPACITY_FIGURES = {
  cpuMicrosecondsPerDelivery: 'points[strategy=long-poll,clients=5000].chat.serverCpuMicrosecondsPerDeliveredMessage',
  bytesPerHeldConnection: 'points[strategy=long-poll,clients=5000].idle.rssPerHeldConnectionBytes',
} as const;

interface Scenario {
  connectedClients: number;
  clientsPerRoom: number;
  secondsBetweenMessages: number;
}
type MeasuredCosts = Record<keyof typeof CAPACITY_FIGURES, number>;

/** The lesson's two scenarios: the same million clients, in small rooms or in huge ones. */
const SCENARIOS: { label: string; scenario: Scenario }[] = [
  { label: '(a) rooms of 30', scenario: { connectedClients: 1_000_000, clientsPerRoom: 30, secondsBetweenMessages: 10 } },
  { label: '(b) rooms of 100,000', scenario: { connectedClients: 1_000_000, clientsPerRoom: 100_000, secondsBetweenMessages: 10 } },
];
const SERVER_BUDGET = { cpuShare: 0.5, memoryBytes: 2 * 1024 ** 3 };
/** Commands a Redis shard answers per second: an assumption, which the lesson has students measure. */
const SHARD_COMMANDS_PER_SECOND = 100_000;
/**
 * Two Redis rooms: this workbench's (room/redis-room.ts: XADD; then XREAD and XLEN on each
 * server; re-polls answered from the server's tail), and one that asks Redis on every re-poll
 * (XADD; XREAD, XRANGE and XINFO on each server; XRANGE and XINFO per delivery), as it did before.
 */
const REDIS_ROOMS = [
  { label: 'tail', costs: { commandsPerMessage: 1, commandsPerMessagePerServer: 2, commandsPerDelivery: 0, commandsPerSecondPerShard: SHARD_COMMANDS_PER_SECOND } },
  { label: 'asking Redis on every re-poll', costs: { commandsPerMessage: 1, commandsPerMessagePerServer: 3, commandsPerDelivery: 2, commandsPerSecondPerShard: SHARD_COMMANDS_PER_SECOND } },
];
type RedisCosts = (typeof REDIS_ROOMS)[number]['costs'];
/** Answers that are not counts may differ from the checker's by this share (rounding along the way). */
const TOLERANCE = 0.1;

type Model = {
  deliveriesPerSecond(scenario: Scenario): number;
  serversNeeded(scenario: Scenario, costs: MeasuredCosts, budget: typeof SERVER_BUDGET): number;
  redisShardsNeeded(scenario: Scenario, servers: number, redis: RedisCosts): number;
  fanOutMilliseconds(scenario: Scenario, servers: number, costs: MeasuredCosts): number;
};
const FUNCTIONS = ['deliveriesPerSecond', 'serversNeeded', 'redisShardsNeeded', 'fanOutMilliseconds'] as const;
type FunctionName = (typeof FUNCTIONS)[number];

/** The checker's own working of a scenario. */
interface Expected {
  deliveriesPerSecond: number;
  /** Before rounding up: a count may be either neighbour of a value that lands on a whole number. */
  serversExact: number;
  fanOutMilliseconds: number;
}

export async function checkCapacityModel(module: Record<string, unknown>): Promise<{ outcomes: CheckOutcome[]; notes: string[] }> {
  const missing = FUNCTIONS.filter((name) => typeof module[name] !== 'function');
  if (missing.length > 0) {
    return { outcomes: [{ check: `capacity-model.ts exports ${FUNCTIONS.join(', ')}`, passed: false, hint: `missing: ${missing.join(', ')}; keep their \`export function\` lines` }], notes: [] };
  }
  const costs = measuredCosts();
  if (typeof costs === 'string') return { outcomes: [{ check: 'the committed bench run has the figures the model needs', passed: false, hint: costs }], notes: [] };
  const model = module as Model;
  const worked = SCENARIOS.map(({ label, scenario }) => ({ label, scenario, expected: workOut(scenario, costs) }));
  // Each function gets the checker's server count, so one wrong answer does not spoil the next ones.
  const servers = (expected: Expected) => Math.ceil(expected.serversExact);

  const outcomes = [
    judge('deliveriesPerSecond', worked.map(({ label, scenario, expected }) => ({ label, got: call(() => model.deliveriesPerSecond({ ...scenario })), close: (got: number) => near(got, expected.deliveriesPerSecond) }))),
    judge('serversNeeded', worked.map(({ label, scenario, expected }) => ({ label, got: call(() => model.serversNeeded({ ...scenario }, { ...costs }, { ...SERVER_BUDGET })), close: (got: number) => isCount(got, expected.serversExact) }))),
    judge(
      'redisShardsNeeded',
      worked.flatMap(({ label, scenario, expected }) =>
        REDIS_ROOMS.map((room) => ({
          label: `${label}, ${room.label === 'tail' ? "this workbench's room" : `a room ${room.label}`}`,
          got: call(() => model.redisShardsNeeded({ ...scenario }, servers(expected), { ...room.costs })),
          close: (got: number) => isCount(got, shardsExact(scenario, servers(expected), room.costs)),
        })),
      ),
    ),
    judge('fanOutMilliseconds', worked.map(({ label, scenario, expected }) => ({ label, got: call(() => model.fanOutMilliseconds({ ...scenario }, servers(expected), { ...costs })), close: (got: number) => near(got, expected.fanOutMilliseconds) }))),
  ];
  const notes = outcomes.every((outcome) => outcome.passed) ? [summary(model, costs)] : [];
  return { outcomes, notes };
}

const HOW_TO: Record<FunctionName, string> = {
  deliveriesPerSecond: 'Each client hears one message every secondsBetweenMessages, whatever the size of its room.',
  serversNeeded:
    'CPU: deliveries per second × cpuMicrosecondsPerDelivery is core-microseconds per second; one server may use cpuShare of its core.\n' +
    'Memory: every connected client holds bytesPerHeldConnection; one server has memoryBytes. Take the larger need, rounded up.',
  redisShardsNeeded:
    'Per message: commandsPerMessage, plus commandsPerMessagePerServer for each server that holds clients of the room (at most clientsPerRoom servers).\n' +
    'Per delivery: commandsPerDelivery. Add them up per second, divide by commandsPerSecondPerShard, round up.',
  fanOutMilliseconds: "One server holds clientsPerRoom / (servers the room is spread over) of a room's clients; each costs cpuMicrosecondsPerDelivery.",
};

function workOut(scenario: Scenario, costs: MeasuredCosts): Expected {
  const deliveriesPerSecond = scenario.connectedClients / scenario.secondsBetweenMessages;
  const serversExact = Math.max(
    (deliveriesPerSecond * costs.cpuMicrosecondsPerDelivery) / 1e6 / SERVER_BUDGET.cpuShare,
    (scenario.connectedClients * costs.bytesPerHeldConnection) / SERVER_BUDGET.memoryBytes,
  );
  const serversPerRoom = Math.min(Math.ceil(serversExact), scenario.clientsPerRoom);
  return {
    deliveriesPerSecond,
    serversExact,
    fanOutMilliseconds: ((scenario.clientsPerRoom / serversPerRoom) * costs.cpuMicrosecondsPerDelivery) / 1000,
  };
}

/** Redis commands per second over what one shard answers, before rounding up. */
function shardsExact(scenario: Scenario, servers: number, redis: RedisCosts): number {
  const messagesPerSecond = scenario.connectedClients / scenario.clientsPerRoom / scenario.secondsBetweenMessages;
  const perMessage = redis.commandsPerMessage + Math.min(servers, scenario.clientsPerRoom) * redis.commandsPerMessagePerServer;
  const deliveriesPerSecond = scenario.connectedClients / scenario.secondsBetweenMessages;
  return (messagesPerSecond * perMessage + deliveriesPerSecond * redis.commandsPerDelivery) / redis.commandsPerSecondPerShard;
}

/** The measured costs from results/latest.json, or what is missing. */
function measuredCosts(): MeasuredCosts | string {
  const results = readBenchResults();
  if (results === undefined) return 'results/latest.json does not exist: run npm run bench (the full run measures 5,000 clients).';
  try {
    const read = (path: string) => {
      const value = lookUpFigure(results, path);
      if (typeof value !== 'number') throw new MissingFigure(path, 'not a number');
      return value;
    };
    return { cpuMicrosecondsPerDelivery: read(CAPACITY_FIGURES.cpuMicrosecondsPerDelivery), bytesPerHeldConnection: read(CAPACITY_FIGURES.bytesPerHeldConnection) };
  } catch (error) {
    if (error instanceof MissingFigure) return `${error.message} in results/latest.json: run the full npm run bench, which measures long-poll at 5,000 clients.`;
    throw error;
  }
}

type Answer = { value: number } | { problem: string };

function call(compute: () => number): Answer {
  try {
    const value = compute();
    return typeof value === 'number' && Number.isFinite(value) ? { value } : { problem: `returned ${String(value)}` };
  } catch (error) {
    return { problem: `threw "${error instanceof Error ? error.message : String(error)}"` };
  }
}

function judge(name: FunctionName, cases: { label: string; got: Answer; close: (got: number) => boolean }[]): CheckOutcome {
  const check = `${name}() works out both scenarios`;
  const wrong = cases.filter(({ got, close }) => !('value' in got) || !close(got.value));
  if (wrong.length === 0) return { check, passed: true };
  // The hint says what is off, not the right answer: that is the student's to work out.
  const lines = wrong.map(({ label, got }) => ('value' in got ? `${label}: ${shown(got.value)} is not it` : `${label}: it ${got.problem}`));
  return { check, passed: false, hint: `${lines.join('\n')}\n${HOW_TO[name]}` };
}

function near(got: number, expected: number): boolean {
  return Math.abs(got - expected) <= Math.abs(expected) * TOLERANCE;
}

/** A whole number that covers `exact`: its ceiling (either neighbour if float rounding put it on a whole number). */
function isCount(got: number, exact: number): boolean {
  return Number.isInteger(got) && (got === Math.ceil(exact - 1e-9) || got === Math.ceil(exact + 1e-9));
}

function summary(model: Model, costs: MeasuredCosts): string {
  const lines = SCENARIOS.map(({ label, scenario }) => {
    const servers = model.serversNeeded(scenario, costs, SERVER_BUDGET);
    const [tail, everyRepoll] = REDIS_ROOMS.map((room) => model.redisShardsNeeded(scenario, servers, room.costs));
    return (
      `${label}: ${shown(model.deliveriesPerSecond(scenario))} deliveries/s, ${servers} servers, ` +
      `${tail} Redis shard${tail === 1 ? '' : 's'} (${everyRepoll} if every re-poll asked Redis), ` +
      `${shown(model.fanOutMilliseconds(scenario, servers, costs))} ms to hand one message out on a server`
    );
  });
  return `Your model, with ${shown(costs.cpuMicrosecondsPerDelivery)} µs per delivery and ${shown(costs.bytesPerHeldConnection)} bytes per held connection:\n${lines.join('\n')}`;
}

function shown(value: number): string {
  return Number(value.toPrecision(3)).toLocaleString('en-US');
}
