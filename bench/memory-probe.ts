import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * Loaded into the app's process by the benchmark (`node --import`), never by the app itself: samples memory and
 * reports the peaks over IPC, so the benchmark sees the app's own RSS and heap, not its own. Every few seconds it
 * also forces a full garbage collection and reads the heap that survives it: the live heap, which shows whether
 * the app holds on to data, where the peak heap mostly shows how much garbage V8 let pile up between collections.
 * Once the bench has read the peaks it sends `MemoryProbeStop`, and the probe does nothing more: a forced collection
 * of the app's whole heap every few seconds is the probe's work, not the app's, and would be timed with whatever the
 * bench measures next on the same app (a burst of webhooks, the raw upserts beside it).
 */
export interface MemoryPeaks {
  kind: "memory";
  rssBytes: number;
  heapUsedBytes: number;
  liveHeapBytes: number;
}

/** Sent by the bench to the app's process once it has read the peaks: the probe stops sampling and collecting. */
export interface MemoryProbeStop {
  kind: "memory-probe-stop";
}

const peaks: MemoryPeaks = { kind: "memory", rssBytes: 0, heapUsedBytes: 0, liveHeapBytes: 0 };

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

const sampling = setInterval(() => {
  const { rss, heapUsed } = process.memoryUsage();
  peaks.rssBytes = Math.max(peaks.rssBytes, rss);
  peaks.heapUsedBytes = Math.max(peaks.heapUsedBytes, heapUsed);
  process.send?.(peaks);
}, 100).unref();

const collecting = setInterval(() => {
  collectGarbage();
  peaks.liveHeapBytes = Math.max(peaks.liveHeapBytes, process.memoryUsage().heapUsed);
}, 2_000).unref();

process.on("message", (message: Partial<MemoryProbeStop> | null) => {
  if (message?.kind !== "memory-probe-stop") return;
  clearInterval(sampling);
  clearInterval(collecting);
});

// After the listener, which would otherwise hold the channel open: an explicit unref outlasts it.
process.channel?.unref();
