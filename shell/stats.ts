// What the process costs right now, for /api/stats.

export function processStats() {
  const { user, system } = process.cpuUsage();
  return {
    cpuSeconds: (user + system) / 1e6,
    cpuUserSeconds: user / 1e6,
    cpuSystemSeconds: system / 1e6,
    rssBytes: process.memoryUsage.rss(),
    pid: process.pid,
  };
}
