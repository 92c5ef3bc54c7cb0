// YOUR COPY of a capacity model, for exercise 6 of lesson 7: "toward internet
// scale, on paper".
//
// How many long-polling servers, and how many Redis shards, does a million
// connected clients take? Not a guess: a few lines of arithmetic on figures
// this workbench measured (results/latest.json) and counted (lesson 7's
// monitor block). `npm run lesson -- verify 7` calls these functions with
// the lesson's two scenarios and the committed figures, and compares.
//
// The exercise (lessons/exercises/lesson-7/problem.md, part B): write the
// four functions. A server here is one Node process, which runs our code on
// one core. The load balancer spreads clients evenly over the servers,
// without regard to rooms.
//
// Check your work with: npm run lesson -- verify 7

/** Who is connected, and how they talk. */
export interface Scenario {
  connectedClients: number;
  /** Every room has this many clients. */
  clientsPerRoom: number;
  /** In each room, one message every this many seconds. */
  secondsBetweenMessages: number;
}

/** What one server spends, as the bench measured it (long-poll, 5,000 clients). */
export interface MeasuredCosts {
  /** Server CPU per message delivered to one client, in microseconds. */
  cpuMicrosecondsPerDelivery: number;
  /** Server memory per waiting client, in bytes. */
  bytesPerHeldConnection: number;
}

/** What we allow one server to use. */
export interface ServerBudget {
  /** Share of its core to use on average (0.5: half, the other half for bursts). */
  cpuShare: number;
  memoryBytes: number;
}

/** What Redis is asked, counted in lesson 7, and what one shard can answer (an assumption: see the lesson). */
export interface RedisCosts {
  /** Once for each message: the XADD of the server that took the post. */
  commandsPerMessage: number;
  /** For each message, for each server holding clients of its room: the XREAD reply, and what the server asks after it. */
  commandsPerMessagePerServer: number;
  /** For each delivery: what a long poll that comes back costs Redis (nothing when the server answers it from memory). */
  commandsPerDelivery: number;
  commandsPerSecondPerShard: number;
}

/** Messages handed to clients per second, all rooms together (one message to 30 clients is 30 deliveries). */
export function deliveriesPerSecond(scenario: Scenario): number {
  throw new Error('TODO: deliveriesPerSecond is not written yet');
}

/** Servers needed so that neither CPU nor memory goes over budget on any of them (a whole number). */
export function serversNeeded(scenario: Scenario, costs: MeasuredCosts, budget: ServerBudget): number {
  throw new Error('TODO: serversNeeded is not written yet');
}

/** Redis shards needed for every command the servers send, at commandsPerSecondPerShard each (a whole number). */
export function redisShardsNeeded(scenario: Scenario, servers: number, redis: RedisCosts): number {
  throw new Error('TODO: redisShardsNeeded is not written yet');
}

/** How long one server spends handing one message to the clients of its room that it holds, in milliseconds. */
export function fanOutMilliseconds(scenario: Scenario, servers: number, costs: MeasuredCosts): number {
  throw new Error('TODO: fanOutMilliseconds is not written yet');
}
