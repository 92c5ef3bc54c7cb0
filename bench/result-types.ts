// The shape of a bench result file (results/latest.json and results/<date>-<commit>.json).
// Lessons and the report page read these names: keep them stable, and add
// rather than rename. A figure the bench could not read (the CPU of a --url
// server whose process it could not find) is NaN, which JSON writes as null.

/** Latency figures in milliseconds. */
export interface LatencyMs {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** How many (message, client) deliveries these percentiles are taken over. */
  samples: number;
}

/** What the server cost and what went over the wire during one phase. */
export interface PhaseCost {
  seconds: number;
  /** CPU time of the server process (all its threads), from /proc/<pid>/stat. */
  serverCpuSeconds: number;
  /** serverCpuSeconds per wall-clock second, as % of one core. */
  serverCpuPercentOfCore: number;
  /** CPU time of the bench's own load process over the phase, as % of one core. */
  benchCpuPercentOfCore: number;
  /** True when the bench itself was near a full core: then the figures show the bench's limit, not the server's. */
  loadGeneratorWasTheLimit: boolean;
  /**
   * CPU the rest of the machine used meanwhile (every core's busy time, less
   * the server's and the bench's), as % of one core: high means a noisy neighbour.
   * For a --url server whose process the bench could not find, its CPU is in here.
   */
  otherProcessesCpuPercentOfCore: number;
  /** Responses the simulated clients received per second. */
  requestsPerSecond: number;
  /** Bytes the server read from and wrote to its sockets per second (/proc/<pid>/io). */
  bytesInPerSecond: number;
  bytesOutPerSecond: number;
  /** Connection errors the clients saw (refused, reset). */
  errors: number;
  /** Requests that got no answer within the client's timeout. */
  timeouts: number;
  /** Answers with a status other than 2xx (e.g. 503 when the server refuses to hold more). */
  non2xx: number;
  /** Requests held by the strategy, sampled from /api/stats during the phase. */
  heldConnections: { min: number; max: number; last: number };
  /** The server's established TCP connections on its port, counted in /proc/net/tcp at the end of the phase. */
  establishedSockets: number;
  /** Resident memory of the server at the end of the phase. */
  rssBytes: number;
  /**
   * Only when several servers shared a Redis room: the figures above are
   * summed over the servers (held connections sample by sample), and these
   * are each server's own, in the order they were started.
   */
  perServer?: ServerPhaseCost[];
  /** Only with a Redis room: what the private redis-server spent over the phase, from /proc as for the servers. */
  redis?: { cpuSeconds: number; cpuPercentOfCore: number; rssBytes: number };
}

/** One server's share of a phase when several servers shared one room. */
export interface ServerPhaseCost {
  /** Simulated clients connected to this server. */
  clients: number;
  /** Whether the publisher posted to this server (the first one). */
  takesPosts: boolean;
  serverCpuSeconds: number;
  serverCpuPercentOfCore: number;
  rssBytes: number;
  bytesInPerSecond: number;
  bytesOutPerSecond: number;
  heldConnections: { min: number; max: number; last: number };
  establishedSockets: number;
}

export interface IdlePhase extends PhaseCost {
  /**
   * (RSS with every client held − RSS before any client) / held connections.
   * Null if nothing was held, or for fewer than 1000 clients, where the
   * garbage collector's ups and downs outweigh what the connections hold.
   */
  rssPerHeldConnectionBytes: number | null;
}

export interface ChatPhase extends PhaseCost {
  /** The rate asked for (--rate)... */
  messagesPerSecond: number;
  /** ...and the rate reached: the publisher waits for each 201, so a server slow to accept posts slows it down. */
  messagesPerSecondAchieved: number;
  messagesPublished: number;
  /** messagesPublished × clients: what a lossless strategy delivers. */
  deliveriesExpected: number;
  /** Distinct (message, client) pairs that arrived. */
  deliveriesReceived: number;
  lost: number;
  /** Messages a client received more than once (each extra copy counts one). */
  duplicates: number;
  /** Clients that missed at least one message. */
  clientsMissingMessages: number;
  /** Receive time minus publish time, both read by the bench on one clock. */
  deliveryLatencyMs: LatencyMs;
  /** Server CPU over the phase divided by deliveries received; null if nothing was delivered. */
  serverCpuMicrosecondsPerDeliveredMessage: number | null;
  /** Only with a Redis room: redis-server's CPU over the phase divided by messages published (each is one XADD, read back by every server). */
  redisCpuMicrosecondsPerPublishedMessage?: number | null;
  /**
   * Only in runs that measured the plain reference: serverCpuMicrosecondsPerDeliveredMessage
   * divided by the reference's at the same number of clients (1 for the reference itself;
   * 2 means twice the reference's CPU per delivery). Null when either figure is missing.
   */
  serverCpuPerDeliveryTimesReference?: number | null;
}

/** One server's startup and memory, when several served a point. */
export interface ServerMemory {
  startupMs: number;
  baselineRssBytes: number;
  peakRssBytes: number;
}

/**
 * One strategy at one number of clients, on a fresh server (or several,
 * sharing a fresh Redis room), or on the server at --url.
 */
export interface PointResult {
  /** A workbench strategy, or "plain-reference" (bench/reference/plain-long-poll.ts). */
  strategy: string;
  /** Only when it differs from `strategy`: the strategy whose HTTP contract the clients spoke ("long-poll" for the plain reference). */
  speaks?: string;
  /** Only with --url: the server measured, which the bench did not start. */
  target?: UrlTarget;
  clients: number;
  /** Server processes that served the point (--servers); absent in files from before scale-out points, meaning 1. */
  servers?: number;
  /** The room they shared: "memory" (one server) or "redis" (several); absent in older files, meaning "memory". */
  room?: 'memory' | 'redis';
  /** False when the point could not be reached; `notes` says why. */
  reached: boolean;
  notes: string[];
  /** With several servers: startup is the slowest one's, baseline and peak RSS are summed (each server's own in perServer). */
  server: ServerMemory & { perServer?: ServerMemory[] };
  /** Only with several servers: how they, and Redis, were placed. */
  scaleOut?: ScaleOutPlacement;
  idle?: IdlePhase;
  chat?: ChatPhase;
  /** With --repeat above 1: the figures above are medians over this many runs, and `minimum` holds the smallest of each. */
  repeats: number;
  minimum?: { idle?: IdlePhase; chat?: ChatPhase };
}

/** A server someone else started, measured over HTTP at its URL (--url). */
export interface UrlTarget {
  url: string;
  /** Its process, when it runs on this machine and could be found: then its CPU, memory and bytes are read from /proc. */
  pid: number | null;
  /** "--pid" (given), "listening socket" (found from the port in /proc/net/tcp and /proc/<pid>/fd), or null (not found). */
  pidFoundBy: '--pid' | 'listening socket' | null;
  /** Whether its address is one of this machine's, so its connections could be counted in /proc/net/tcp. */
  local: boolean;
}

/** Where the servers and redis-server of a scale-out point ran, and how the load reached them. */
export interface ScaleOutPlacement {
  /** The Redis room every server was started with: --room redis://127.0.0.1:<port>?stream=<fresh key>. */
  roomUrl: string;
  redisVersion: string;
  /** Index (in start order) of the server the publisher posted to. */
  publisherServer: number;
  /** Simulated clients per server, in start order. */
  clientsPerServer: number[];
  /** taskset CPU list of each server, and of redis-server; null: not pinned. */
  serverCpus: (string | null)[];
  redisCpus: string | null;
  /** Whether each server and Redis had a core of its own, away from the bench. */
  coreEach: boolean;
}

export interface BenchResults {
  format: 'pollbench-bench-results/1';
  /** The command as typed, and its parsed settings. */
  command: string;
  settings: {
    workload: 'idle' | 'chat' | 'sweep';
    strategies: string[];
    clients: number[];
    idleSeconds: number;
    chatSeconds: number;
    messagesPerSecond: number;
    repeat: number;
    /** Flags every workbench server was started with (the same for all strategies; the plain reference takes none). */
    serverArguments: string[];
    /** Only with --url: the server measured instead of fresh ones, and its process if given with --pid. */
    url?: string;
    pid?: number;
    /** Numbers of servers measured (--servers); absent in older files, meaning [1]. */
    servers?: number[];
  };
  machine: {
    cpuModel: string;
    cores: number;
    totalMemoryBytes: number;
    nodeVersion: string;
    platform: string;
    kernel: string;
    openFilesLimit: number | null;
    loadAverageAtStart: number[];
  };
  commit: string;
  /** Whether the working tree had uncommitted changes when the run started. */
  uncommittedChanges: boolean;
  pinning: { pinned: boolean; serverCpus: string | null; benchCpus: string | null; note: string };
  /** Only when the run has scale-out points: what their figures can and cannot show on this machine. */
  scaleOutCaveat?: string;
  startedAt: string;
  finishedAt: string;
  /** 1, 5 and 15-minute load averages when the run ended; above the core count, other work shared the machine. */
  loadAverageAtEnd: number[];
  points: PointResult[];
}
