import mongoose from "mongoose";
import { JobModel } from "../src/storage/models/job.js";

/**
 * Loaded into the app's process by the benchmark (`node --import`), never by the app itself: counts the statements
 * the app sends to its job queue's collection, by method, through mongoose's debug hook (what
 * test/backfill/large-install-queue.test.ts counts in one process), and reports the running totals over IPC.
 */
export interface QueueStatements {
  kind: "queue";
  total: number;
  byMethod: Record<string, number>;
}

const counted: QueueStatements = { kind: "queue", total: 0, byMethod: {} };
const queue = JobModel.collection.collectionName;

mongoose.set("debug", (collection: string, method: string) => {
  if (collection !== queue) return;
  counted.total += 1;
  counted.byMethod[method] = (counted.byMethod[method] ?? 0) + 1;
});

setInterval(() => process.send?.(counted), 100).unref();

process.channel?.unref();
