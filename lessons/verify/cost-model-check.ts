// Checks lesson 5's exercise: a cost model of short and long polling, held
// against a real measurement on this machine.
//
// It runs the bench (`npm run bench`, as a student would, into a temporary
// folder) on both strategies with a small, quick load, then calls the
// student's functions with that same load and compares each prediction with
// the figure the bench measured: close enough if within a factor of 2.
// A model that cannot answer yet (it throws) fails at once, without the bench.

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../catalog.ts';
import { say } from '../language.ts';
import type { BenchResults, PointResult } from '../../bench/result-types.ts';
import type { CheckOutcome } from './outcome.ts';

/** The load the bench runs: small and short, so the whole check takes about 20 seconds. */
const BENCH_LOAD = { clients: 50, phaseSeconds: 2, messagesPerSecond: 4, pollIntervalMs: 500, holdTimeoutMs: 1000 };
const STRATEGIES = ['short-poll', 'long-poll'] as const;
/** A prediction is close enough within this factor of the measurement... */
const FACTOR = 2;
/** ...or this near it, for figures that are about zero (a short poll holds nothing). */
const ABOUT_ZERO = { requests: 1, connections: 1, messages: 0.05 };
/** The bench gets this long before it counts as stuck. */
const BENCH_LIMIT_MS = 180_000;

type StrategyName = (typeof STRATEGIES)[number];
type Phase = 'idle' | 'chat';
interface Load {
  strategy: StrategyName;
  clients: number;
  pollIntervalMs: number;
  holdTimeoutMs: number;
  messagesPerSecond: number;
}
type ModelFunction = (load: Load) => number;
const FUNCTIONS = ['requestsPerSecond', 'heldConnections', 'messagesPerAnswer'] as const;
type FunctionName = (typeof FUNCTIONS)[number];

/** What one of the student's functions answered for one load: a number, or why not. */
type Prediction = { value: number } | { problem: string };

/** One figure of one phase of one strategy's point, as the bench measured it. */
interface Figure {
  strategy: StrategyName;
  phase: Phase;
  measured: (point: PointResult) => number;
}

/** One check: it compares one function's predictions with the bench's figures; the hint says what to think about. */
interface CostCheck {
  check: string;
  name: FunctionName;
  figures: Figure[];
  aboutZero: number;
  hint: string;
}

/** The checks, worded in the runner's language (so made when verify runs, not when this file loads). */
function costChecks(): CostCheck[] {
  return [
    {
      check: say('requestsPerSecond() predicts short-poll, idle and chatting', 'requestsPerSecond() 对 short-poll 空闲时和聊天时的预测'),
      name: 'requestsPerSecond',
      figures: [
        { strategy: 'short-poll', phase: 'idle', measured: (point) => point.idle!.requestsPerSecond },
        { strategy: 'short-poll', phase: 'chat', measured: (point) => point.chat!.requestsPerSecond },
      ],
      aboutZero: ABOUT_ZERO.requests,
      hint: say(
        'One client first: a short poll asks once every pollIntervalMs and is answered at once, whatever the room does.',
        '先想一个客户端：短轮询每隔 pollIntervalMs 问一次，并立即得到回答，无论聊天室里发生什么。',
      ),
    },
    {
      check: say('requestsPerSecond() predicts long-poll, idle and chatting', 'requestsPerSecond() 对 long-poll 空闲时和聊天时的预测'),
      name: 'requestsPerSecond',
      figures: [
        { strategy: 'long-poll', phase: 'idle', measured: (point) => point.idle!.requestsPerSecond },
        { strategy: 'long-poll', phase: 'chat', measured: (point) => point.chat!.requestsPerSecond },
      ],
      aboutZero: ABOUT_ZERO.requests,
      hint: say(
        'One client first: its long poll ends when a message arrives or after holdTimeoutMs, whichever comes first, and it asks again at once.',
        '先想一个客户端：它的长轮询请求在消息到达时或 holdTimeoutMs 之后结束（以先到者为准），然后立即再问一次。',
      ),
    },
    {
      check: say('heldConnections() predicts both strategies', 'heldConnections() 对两种策略的预测'),
      name: 'heldConnections',
      figures: STRATEGIES.map((strategy) => ({ strategy, phase: 'idle' as const, measured: (point: PointResult) => point.idle!.heldConnections.max })),
      aboutZero: ABOUT_ZERO.connections,
      hint: say(
        'How long does the server keep a short poll open? And how much of the time does a long-polling client have a request parked?',
        '服务器让一个短轮询请求保持打开多久？一个长轮询客户端又有多少时间有请求停放在服务器上？',
      ),
    },
    {
      check: say('messagesPerAnswer() predicts both strategies while chatting', 'messagesPerAnswer() 对两种策略聊天时的预测'),
      name: 'messagesPerAnswer',
      figures: STRATEGIES.map((strategy) => ({ strategy, phase: 'chat' as const, measured: messagesPerAnswerMeasured })),
      aboutZero: ABOUT_ZERO.messages,
      hint: say(
        'Every client must get every message: clients × messagesPerSecond deliveries per second, carried by requestsPerSecond answers.',
        '每个客户端都要收到每条消息：每秒 clients × messagesPerSecond 次投递，由每秒 requestsPerSecond 个回答带回。',
      ),
    },
  ];
}

export async function checkCostModel(module: Record<string, unknown>): Promise<{ outcomes: CheckOutcome[]; notes: string[] }> {
  const missing = FUNCTIONS.filter((name) => typeof module[name] !== 'function');
  if (missing.length > 0) {
    const check = say(`the file exports ${FUNCTIONS.join(', ')}`, `文件导出了 ${FUNCTIONS.join('、')}`);
    const hint = say(`missing: ${missing.join(', ')}; keep their \`export function\` lines`, `缺少：${missing.join('、')}；保留它们的 \`export function\` 行`);
    return { outcomes: [{ check, passed: false, hint }], notes: [] };
  }
  const model = module as Record<FunctionName, ModelFunction>;
  const checks = costChecks();
  // Before spending 20 s on the bench: can the model answer at all, with the rate the bench asks for?
  const unanswered = checks.map(({ name, figures }) => figures.map(({ strategy, phase }) => predict(model[name], loadOf(strategy, phase === 'idle' ? 0 : BENCH_LOAD.messagesPerSecond))).find((prediction) => 'problem' in prediction));
  if (unanswered.every((problem) => problem !== undefined)) {
    const outcomes = checks.map(({ check, name, hint }, index) => ({ check: withFactor(check), passed: false, hint: `${name}() ${problemOf(unanswered[index]!)}\n${hint}` }));
    const note = say(
      'The bench was not run: make at least one function return a number, then run verify again (the bench takes about 20 s).',
      '没有运行压测：先让至少一个函数返回数字，再运行一次检查（压测大约需要 20 秒）。',
    );
    return { outcomes, notes: [note] };
  }
  let results: BenchResults;
  try {
    results = await measureTheLoad();
    for (const strategy of STRATEGIES) pointOf(results, strategy); // a point the bench could not reach says why here
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    const hint = say(`${why}\nRun the bench by hand (npm run bench -- --quick) to see what goes wrong.`, `${why}\n手动运行压测（npm run bench -- --quick），看看哪里出了问题。`);
    return { outcomes: [{ check: say('the bench measures this machine', '压测能在这台机器上测量'), passed: false, hint }], notes: [] };
  }
  return judgeCostModel(module, results);
}

/** Compare a model's predictions with a run of measureTheLoad(). */
export function judgeCostModel(module: Record<string, unknown>, results: BenchResults): { outcomes: CheckOutcome[]; notes: string[] } {
  const model = module as Record<FunctionName, ModelFunction>;
  const outcomes = costChecks().map(({ check, name, figures, aboutZero, hint }) => {
    const comparisons = figures.map(({ strategy, phase, measured }) => {
      const point = pointOf(results, strategy);
      // The publisher waits for each post to be accepted: predict with the rate it reached.
      const load = loadOf(strategy, phase === 'idle' ? 0 : point.chat!.messagesPerSecondAchieved);
      const rate = round(load.messagesPerSecond);
      const label = phase === 'idle' ? say(`${strategy}, idle`, `${strategy}，空闲`) : say(`${strategy}, ${rate} messages/s`, `${strategy}，每秒 ${rate} 条消息`);
      return { label, predicted: predict(model[name], load), measured: measured(point) };
    });
    return judge({ check, name, aboutZero, hint }, comparisons);
  });
  return { outcomes, notes: measurementNotes(results) };
}

function loadOf(strategy: StrategyName, messagesPerSecond: number): Load {
  return { strategy, clients: BENCH_LOAD.clients, pollIntervalMs: BENCH_LOAD.pollIntervalMs, holdTimeoutMs: BENCH_LOAD.holdTimeoutMs, messagesPerSecond };
}

function predict(fn: ModelFunction, load: Load): Prediction {
  try {
    const value = fn({ ...load });
    if (typeof value !== 'number' || !Number.isFinite(value)) return { problem: say(`returned ${String(value)} for ${JSON.stringify(load)}`, `对 ${JSON.stringify(load)} 返回了 ${String(value)}`) };
    return { value };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { problem: say(`threw "${message}"`, `抛出了“${message}”`) };
  }
}

function problemOf(prediction: Prediction): string {
  return 'problem' in prediction ? prediction.problem : '';
}

function judge({ check, name, aboutZero, hint }: { check: string; name: FunctionName; aboutZero: number; hint: string }, comparisons: { label: string; predicted: Prediction; measured: number }[]): CheckOutcome {
  const close = comparisons.every(({ predicted, measured }) => 'value' in predicted && closeEnough(predicted.value, measured, aboutZero));
  if (close) return { check: withFactor(check), passed: true };
  const lines = comparisons.map(({ label, predicted, measured }) =>
    'value' in predicted
      ? say(`${label}: you predicted ${round(predicted.value)}, the bench measured ${round(measured)}`, `${label}：你预测 ${round(predicted.value)}，压测实测 ${round(measured)}`)
      : say(`${label}: ${name}() ${predicted.problem}`, `${label}：${name}() ${predicted.problem}`),
  );
  return { check: withFactor(check), passed: false, hint: `${lines.join('\n')}\n${hint}` };
}

function withFactor(check: string): string {
  return say(`${check} within a factor of ${FACTOR}`, `${check}，与实测相差在 ${FACTOR} 倍以内`);
}

function closeEnough(predicted: number, measured: number, aboutZero: number): boolean {
  if (Math.abs(predicted - measured) <= aboutZero) return true;
  return predicted > 0 && measured > 0 && predicted <= measured * FACTOR && measured <= predicted * FACTOR;
}

/** Deliveries the clients received, over the answers they got, in the chat phase. */
function messagesPerAnswerMeasured(point: PointResult): number {
  const chat = point.chat!;
  const answers = chat.requestsPerSecond * chat.seconds;
  return answers > 0 ? chat.deliveriesReceived / answers : 0;
}

/** The bench's arguments, as a student would type them after `npm run bench --`. */
function benchArguments(outDir: string): string[] {
  return [
    '--strategies', STRATEGIES.join(','),
    '--clients', String(BENCH_LOAD.clients),
    '--duration', String(BENCH_LOAD.phaseSeconds),
    '--rate', String(BENCH_LOAD.messagesPerSecond),
    `--server-args=--poll-interval ${BENCH_LOAD.pollIntervalMs} --hold-timeout ${BENCH_LOAD.holdTimeoutMs}`,
    '--no-png',
    '--out', outDir,
  ];
}

/** Run the bench CLI on the check's load, into a temporary folder, and read the results it wrote. */
export async function measureTheLoad(): Promise<BenchResults> {
  const outDir = await mkdtemp(join(tmpdir(), 'pollbench-lesson-5-'));
  try {
    const args = benchArguments(outDir);
    const command = `npm run bench -- ${args.map((arg) => (arg.includes(' ') ? `'${arg}'` : arg)).join(' ')}`;
    process.stderr.write(`${say(`Measuring on this machine (about 20 s), into a temporary folder: ${command}`, `正在这台机器上测量（约 20 秒），结果写入临时文件夹：${command}`)}\n`);
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/cli.ts', ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-2000)));
    const killer = setTimeout(() => child.kill('SIGINT'), BENCH_LIMIT_MS);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(killer);
    if (code !== 0) throw new Error(say(`the bench failed (exit code ${code}):\n${errors}`, `压测失败（退出码 ${code}）：\n${errors}`));
    return JSON.parse(await readFile(join(outDir, 'latest.json'), 'utf8')) as BenchResults;
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

function pointOf(results: BenchResults, strategy: StrategyName): PointResult {
  const point = results.points.find((each) => each.strategy === strategy && each.clients === BENCH_LOAD.clients);
  if (!point?.reached || !point.idle || !point.chat) {
    const why = point?.notes.join('; ') ?? say('no such point', '没有这个测量点');
    throw new Error(say(`the bench did not reach ${strategy} at ${BENCH_LOAD.clients} clients: ${why}`, `压测没能跑完 ${BENCH_LOAD.clients} 个客户端的 ${strategy}：${why}`));
  }
  return point;
}

/** The measured cost per delivery, which the model does not predict, and anything that makes this run doubtful. */
function measurementNotes(results: BenchResults): string[] {
  const costs = STRATEGIES.map((strategy) => `${strategy} ${round(pointOf(results, strategy).chat!.serverCpuMicrosecondsPerDeliveredMessage ?? NaN)} µs`);
  const { clients, pollIntervalMs, holdTimeoutMs, messagesPerSecond, phaseSeconds } = BENCH_LOAD;
  const notes = [
    say(
      `Measured with ${clients} clients, --poll-interval ${pollIntervalMs}, --hold-timeout ${holdTimeoutMs}, ${messagesPerSecond} messages/s, ${phaseSeconds} s phases.\n` +
        `Server CPU per delivered message, roughly (phases this short measure CPU in 10 ms ticks): ${costs.join(', ')}.\n` +
        'For careful figures, compare µs/msg of short-poll and long-poll in the committed run (npm run lesson -- show 5).',
      `测量条件：${clients} 个客户端，--poll-interval ${pollIntervalMs}，--hold-timeout ${holdTimeoutMs}，每秒 ${messagesPerSecond} 条消息，每个阶段 ${phaseSeconds} 秒。\n` +
        `每次投递的服务器 CPU，粗略值（阶段这么短，CPU 只能按 10 ms 的刻度计量）：${costs.join('，')}。\n` +
        '要看精确的数字，请比较已提交的那次运行中 short-poll 和 long-poll 的 µs/msg（npm run lesson -- show 5）。',
    ),
  ];
  const doubtful = results.points.filter((point) => point.idle?.loadGeneratorWasTheLimit || point.chat?.loadGeneratorWasTheLimit).map((point) => point.strategy);
  if (doubtful.length > 0) {
    notes.push(
      say(
        `The bench itself was at its limit for ${doubtful.join(', ')}: those figures show the bench, not the server. Run verify again on a quieter machine.`,
        `测量 ${doubtful.join('、')} 时，负载生成器本身已到极限：这些数字反映的是压测，而不是服务器。请在更空闲的机器上再运行一次检查。`,
      ),
    );
  }
  return notes;
}

function round(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(3))) : String(value);
}
