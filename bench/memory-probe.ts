import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * Loaded into the app's process by the benchmark (`node --import`), never by the app itself: samples memory and
 * reports the peaks over IPC, so the benchmark sees the app's own RSS and heap, not its own. Every few seconds it
 * also forces a full garbage collection and reads the heap that survives it: the live heap, which shows whether
 * the app holds on to data, where the peak heap mostly shows how much garbage V8 let pile up between collections.
 */
export interface MemoryPeaks {
  kind: "memory";
  rssBytes: number;
  heapUsedBytes: number;
  liveHeapBytes: number;
}

const peaks: MemoryPeaks = { kind: "memory", rssBytes: 0, heapUsedBytes: 0, liveHeapBytes: 0 };

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

setInterval(() => {
  const { rss, heapUsed } = process.memoryUsage();
  peaks.rssBytes = Math.max(peaks.rssBytes, rss);
  peaks.heapUsedBytes = Math.max(peaks.heapUsedBytes, heapUsed);
  process.send?.(peaks);
}, 100).unref();

setInterval(() => {
  collectGarbage();
  peaks.liveHeapBytes = Math.max(peaks.liveHeapBytes, process.memoryUsage().heapUsed);
}, 2_000).unref();

process.channel?.unref();
