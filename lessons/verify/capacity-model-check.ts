// Checks exercise 6 of lesson 7: a capacity model on paper for a million
// connected clients, fed with the figures of the committed bench run.
//
// The figures come from results/latest.json through the same paths the
// lesson's {{bench: ...}} markers use, so the student's table and the check
// agree. The checker works the two scenarios out itself and compares each of
// the student's answers: counts exactly, the others within 10 %.

import { lookUpFigure, MissingFigure } from '../../wire/lesson.ts';
import { readBenchResults } from '../bench-figures.ts';
import { say } from '../language.ts';
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

/** The lesson's two scenarios: the same million clients, in small rooms or in huge ones. Labels are getters, worded in the runner's language. */
const SCENARIOS: { label: string; scenario: Scenario }[] = [
  {
    get label() {
      return say('(a) rooms of 30', '（a）30 人的聊天室');
    },
    scenario: { connectedClients: 1_000_000, clientsPerRoom: 30, secondsBetweenMessages: 10 },
  },
  {
    get label() {
      return say('(b) rooms of 100,000', '（b）100,000 人的聊天室');
    },
    scenario: { connectedClients: 1_000_000, clientsPerRoom: 100_000, secondsBetweenMessages: 10 },
  },
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
  {
    get label() {
      return say("this workbench's room", '本工作台的 Redis 聊天室实现');
    },
    costs: { commandsPerMessage: 1, commandsPerMessagePerServer: 2, commandsPerDelivery: 0, commandsPerSecondPerShard: SHARD_COMMANDS_PER_SECOND },
  },
  {
    get label() {
      return say('a room asking Redis on every re-poll', '每次重新轮询都询问 Redis 的聊天室实现');
    },
    costs: { commandsPerMessage: 1, commandsPerMessagePerServer: 3, commandsPerDelivery: 2, commandsPerSecondPerShard: SHARD_COMMANDS_PER_SECOND },
  },
];
type RedisCosts = (typeof REDIS_ROOMS)[number]['costs'];
/**
 * redisShardsNeeded() is also asked for this many servers, whatever the measured figures give: a
 * room of 30 is then on 30 servers, so a model that counts each message's per-server commands once
 * (not once per server holding the room) is off by far. With the servers the figures give, it may
 * round to the same number of shards.
 */
const SPREAD_SERVERS = 30;
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
    const check = say(`capacity-model.ts exports ${FUNCTIONS.join(', ')}`, `capacity-model.ts 导出了 ${FUNCTIONS.join('、')}`);
    const hint = say(`missing: ${missing.join(', ')}; keep their \`export function\` lines`, `缺少：${missing.join('、')}；保留它们的 \`export function\` 行`);
    return { outcomes: [{ check, passed: false, hint }], notes: [] };
  }
  const costs = measuredCosts();
  if (typeof costs === 'string') {
    return { outcomes: [{ check: say('the committed bench run has the figures the model needs', '已提交的压测结果中有模型需要的数字'), passed: false, hint: costs }], notes: [] };
  }
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
        REDIS_ROOMS.flatMap((room) =>
          [
            { count: servers(expected), named: '' },
            { count: SPREAD_SERVERS, named: say(`, on ${SPREAD_SERVERS} servers`, `，${SPREAD_SERVERS} 台服务器`) },
          ].map(({ count, named }) => ({
            label: say(`${label}, ${room.label}${named}`, `${label}，${room.label}${named}`),
            got: call(() => model.redisShardsNeeded({ ...scenario }, count, { ...room.costs })),
            close: (got: number) => isCount(got, shardsExact(scenario, count, room.costs)),
          })),
        ),
      ),
    ),
    judge('fanOutMilliseconds', worked.map(({ label, scenario, expected }) => ({ label, got: call(() => model.fanOutMilliseconds({ ...scenario }, servers(expected), { ...costs })), close: (got: number) => near(got, expected.fanOutMilliseconds) }))),
  ];
  const notes = outcomes.every((outcome) => outcome.passed) ? [summary(model, costs)] : [];
  return { outcomes, notes };
}

/** How to work each answer out, for its hint; getters, worded in the runner's language. */
const HOW_TO: Record<FunctionName, string> = {
  get deliveriesPerSecond() {
    return say('Each client hears one message every secondsBetweenMessages, whatever the size of its room.', '每个客户端每隔 secondsBetweenMessages 秒收到一条消息，与它所在聊天室的大小无关。');
  },
  get serversNeeded() {
    return say(
      'CPU: deliveries per second × cpuMicrosecondsPerDelivery is core-microseconds per second; one server may use cpuShare of its core.\n' +
        'Memory: every connected client holds bytesPerHeldConnection; one server has memoryBytes. Take the larger need, rounded up.',
      'CPU：每秒投递次数 × cpuMicrosecondsPerDelivery 就是每秒所需的核心微秒数；一台服务器最多用它一个核心的 cpuShare。\n' +
        '内存：每个已连接的客户端占用 bytesPerHeldConnection；一台服务器有 memoryBytes。取两者中较大的需求，向上取整。',
    );
  },
  get redisShardsNeeded() {
    return say(
      'Per message: commandsPerMessage, plus commandsPerMessagePerServer for each server that holds clients of the room (at most clientsPerRoom servers).\n' +
        'Per delivery: commandsPerDelivery. Add them up per second, divide by commandsPerSecondPerShard, round up.',
      '每条消息：commandsPerMessage，再加上持有该聊天室客户端的每台服务器各 commandsPerMessagePerServer（最多 clientsPerRoom 台服务器）。\n' +
        '每次投递：commandsPerDelivery。按每秒加总，除以 commandsPerSecondPerShard，向上取整。',
    );
  },
  get fanOutMilliseconds() {
    return say(
      "One server holds clientsPerRoom / (servers the room is spread over) of a room's clients; each costs cpuMicrosecondsPerDelivery.",
      '一台服务器持有一个聊天室的 clientsPerRoom /（该聊天室分布到的服务器数）个客户端；每个客户端花费 cpuMicrosecondsPerDelivery。',
    );
  },
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
  if (results === undefined) {
    return say('results/latest.json does not exist: run npm run bench (the full run measures 5,000 clients).', 'results/latest.json 不存在：运行 npm run bench（完整运行会测量 5,000 个客户端）。');
  }
  try {
    const read = (path: string) => {
      const value = lookUpFigure(results, path);
      if (typeof value !== 'number') throw new MissingFigure(path, 'not a number');
      return value;
    };
    return { cpuMicrosecondsPerDelivery: read(CAPACITY_FIGURES.cpuMicrosecondsPerDelivery), bytesPerHeldConnection: read(CAPACITY_FIGURES.bytesPerHeldConnection) };
  } catch (error) {
    if (error instanceof MissingFigure) {
      return say(
        `${error.message} in results/latest.json: run the full npm run bench, which measures long-poll at 5,000 clients.`,
        `results/latest.json 中的 ${error.message}：运行完整的 npm run bench，它会测量 5,000 个客户端下的 long-poll。`,
      );
    }
    throw error;
  }
}

type Answer = { value: number } | { problem: string };

function call(compute: () => number): Answer {
  try {
    const value = compute();
    return typeof value === 'number' && Number.isFinite(value) ? { value } : { problem: say(`returned ${String(value)}`, `返回了 ${String(value)}`) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { problem: say(`threw "${message}"`, `抛出了“${message}”`) };
  }
}

function judge(name: FunctionName, cases: { label: string; got: Answer; close: (got: number) => boolean }[]): CheckOutcome {
  const check = say(`${name}() works out both scenarios`, `${name}() 正确算出两种场景`);
  const wrong = cases.filter(({ got, close }) => !('value' in got) || !close(got.value));
  if (wrong.length === 0) return { check, passed: true };
  // The hint says what is off, not the right answer: that is the student's to work out.
  const lines = wrong.map(({ label, got }) =>
    'value' in got ? say(`${label}: ${shown(got.value)} is not it`, `${label}：${shown(got.value)} 不对`) : say(`${label}: it ${got.problem}`, `${label}：它${got.problem}`),
  );
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
    const [deliveries, fanOut] = [shown(model.deliveriesPerSecond(scenario)), shown(model.fanOutMilliseconds(scenario, servers, costs))];
    return say(
      `${label}: ${deliveries} deliveries/s, ${servers} servers, ` +
        `${tail} Redis shard${tail === 1 ? '' : 's'} (${everyRepoll} if every re-poll asked Redis), ` +
        `${fanOut} ms to hand one message out on a server`,
      `${label}：每秒 ${deliveries} 次投递，${servers} 台服务器，` +
        `${tail} 个 Redis 分片（如果每次重新轮询都询问 Redis，则为 ${everyRepoll} 个），` +
        `一台服务器把一条消息分发出去需要 ${fanOut} ms`,
    );
  });
  const [cpu, bytes] = [shown(costs.cpuMicrosecondsPerDelivery), shown(costs.bytesPerHeldConnection)];
  const heading = say(`Your model, with ${cpu} µs per delivery and ${bytes} bytes per held connection:`, `你的模型，按每次投递 ${cpu} µs、每个挂起的连接 ${bytes} 字节计算：`);
  return `${heading}\n${lines.join('\n')}`;
}

function shown(value: number): string {
  return Number(value.toPrecision(3)).toLocaleString('en-US');
}
