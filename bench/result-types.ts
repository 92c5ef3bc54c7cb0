// The shape of a bench result file (results/latest.json and results/<date>-<commit>.json).
// Lessons and the report page read these names: keep them stable, and add
// rather than rename.

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
}

/** One strategy at one number of clients, on a fresh server. */
export interface PointResult {
  strategy: string;
  clients: number;
  /** False when the point could not be reached; `notes` says why. */
  reached: boolean;
  notes: string[];
  server: { startupMs: number; baselineRssBytes: number; peakRssBytes: number };
  idle?: IdlePhase;
  chat?: ChatPhase;
  /** With --repeat above 1: the figures above are medians over this many runs, and `minimum` holds the smallest of each. */
  repeats: number;
  minimum?: { idle?: IdlePhase; chat?: ChatPhase };
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
    /** Flags every server was started with (the same for all strategies). */
    serverArguments: string[];
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
  startedAt: string;
  finishedAt: string;
  /** 1, 5 and 15-minute load averages when the run ended; above the core count, other work shared the machine. */
  loadAverageAtEnd: number[];
  points: PointResult[];
}
