/**
 * Loaded into the app's process by the benchmark (`node --import`), never by the app itself: samples memory and
 * reports the peaks over IPC, so the benchmark sees the app's own RSS and heap, not its own.
 */
export interface MemoryPeaks {
  kind: "memory";
  rssBytes: number;
  heapUsedBytes: number;
}

const peaks: MemoryPeaks = { kind: "memory", rssBytes: 0, heapUsedBytes: 0 };

setInterval(() => {
  const { rss, heapUsed } = process.memoryUsage();
  peaks.rssBytes = Math.max(peaks.rssBytes, rss);
  peaks.heapUsedBytes = Math.max(peaks.heapUsedBytes, heapUsed);
  process.send?.(peaks);
}, 100).unref();
process.channel?.unref();
