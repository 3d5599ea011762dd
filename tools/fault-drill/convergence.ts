import { setTimeout as sleep } from "node:timers/promises";
import type { DatabaseReader } from "./app-database.js";

/** Inbox states that still have work ahead (see the app's delivery model). */
const UNFINISHED = ["received", "processing", "retrying"];

export interface InboxEntry {
  _id: string;
  event: string;
  action: string | null;
  state: string;
  attempts: number;
  lastError: string | null;
}

export interface Convergence {
  converged: boolean;
  waitedMs: number;
  /** Inbox entries received since `since` not finished at the last reading. */
  unfinished: number;
  /** Older inbox entries (before `since`) not finished at the last reading: not waited for. */
  olderUnfinished: number;
  /** Jobs queued or running at the last reading. */
  pendingJobs: number;
  /** Delivery ids sent to the app that the inbox does not hold, or holds unfinished, at the last reading. */
  outstanding: string[];
  /** The inbox entries of the deliveries waited for, as last read. */
  entries: Map<string, InboxEntry>;
}

export interface ConvergenceOptions {
  /** Delivery ids (GUIDs) that must all be in the inbox, finished. */
  deliveryIds: string[];
  /**
   * Inbox entries received from then on must all be finished; older unfinished ones (a stretch before that left
   * them stuck) are reported, not waited for.
   */
  since: Date;
  timeoutMs: number;
  pollMs?: number;
}

/**
 * Waits until the app has nothing left to do: every delivery waited for is in its inbox and finished (processed or
 * dead), no other entry received since `since` is unfinished, and no job is queued or running — seen twice in a row, so that work one step
 * queues for the next is not missed. Polls the database until the deadline; never sleeps a fixed time.
 */
export async function waitForConvergence(db: DatabaseReader, options: ConvergenceOptions): Promise<Convergence> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  const ids = [...new Set(options.deliveryIds)];
  let quietReadings = 0;
  for (;;) {
    const remaining = Math.max(1_000, deadline - Date.now());
    const reading = await db.read(async (collection) => {
      const [unfinished, olderUnfinished, pendingJobs, entries] = await Promise.all([
        collection("deliveries").countDocuments({ state: { $in: UNFINISHED }, receivedAt: { $gte: options.since } }),
        collection("deliveries").countDocuments({ state: { $in: UNFINISHED }, receivedAt: { $lt: options.since } }),
        collection("jobs").countDocuments({ state: { $in: ["queued", "running"] } }),
        ids.length === 0
          ? Promise.resolve([])
          : collection("deliveries").find({ _id: { $in: ids } } as object, { projection: { event: 1, action: 1, state: 1, attempts: 1, lastError: 1 } }).toArray(),
      ]);
      return { unfinished, olderUnfinished, pendingJobs, entries: new Map((entries as unknown as InboxEntry[]).map((entry) => [entry._id, entry])) };
    }, remaining);
    const outstanding = ids.filter((id) => {
      const state = reading.entries.get(id)?.state;
      return state !== "processed" && state !== "dead";
    });
    const quiet = reading.unfinished === 0 && reading.pendingJobs === 0 && outstanding.length === 0;
    quietReadings = quiet ? quietReadings + 1 : 0;
    const timedOut = Date.now() > deadline;
    if (quietReadings >= 2 || timedOut) {
      return { converged: quietReadings >= 2, waitedMs: Date.now() - started, unfinished: reading.unfinished, olderUnfinished: reading.olderUnfinished, pendingJobs: reading.pendingJobs, outstanding, entries: reading.entries };
    }
    await sleep(options.pollMs ?? 500);
  }
}
