// A capacity model on paper: the reference solution of exercise 6 of lesson 7
// (lessons/exercises/lesson-7/problem.md, part B). A server is one Node
// process on one core; the load balancer spreads clients evenly over the
// servers, without regard to rooms.

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
  // Each client hears its room's message once per interval, whatever the room size.
  return scenario.connectedClients / scenario.secondsBetweenMessages;
}

/** Servers needed so that neither CPU nor memory goes over budget on any of them (a whole number). */
export function serversNeeded(scenario: Scenario, costs: MeasuredCosts, budget: ServerBudget): number {
  const coreSecondsPerSecond = (deliveriesPerSecond(scenario) * costs.cpuMicrosecondsPerDelivery) / 1e6;
  const forCpu = coreSecondsPerSecond / budget.cpuShare;
  const forMemory = (scenario.connectedClients * costs.bytesPerHeldConnection) / budget.memoryBytes;
  return Math.ceil(Math.max(forCpu, forMemory));
}

/** Redis shards needed for every command the servers send, at commandsPerSecondPerShard each (a whole number). */
export function redisShardsNeeded(scenario: Scenario, servers: number, redis: RedisCosts): number {
  const rooms = scenario.connectedClients / scenario.clientsPerRoom;
  const messagesPerSecond = rooms / scenario.secondsBetweenMessages;
  // Clients spread evenly: a room of 30 has members on up to 30 servers, a huge room on every server.
  const serversPerRoom = Math.min(servers, scenario.clientsPerRoom);
  const perMessage = redis.commandsPerMessage + serversPerRoom * redis.commandsPerMessagePerServer;
  const commandsPerSecond = messagesPerSecond * perMessage + deliveriesPerSecond(scenario) * redis.commandsPerDelivery;
  return Math.ceil(commandsPerSecond / redis.commandsPerSecondPerShard);
}

/** How long one server spends handing one message to the clients of its room that it holds, in milliseconds. */
export function fanOutMilliseconds(scenario: Scenario, servers: number, costs: MeasuredCosts): number {
  const clientsOfTheRoomHere = scenario.clientsPerRoom / Math.min(servers, scenario.clientsPerRoom);
  return (clientsOfTheRoomHere * costs.cpuMicrosecondsPerDelivery) / 1000;
}
