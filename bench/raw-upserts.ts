import mongoose from "mongoose";
import { setTimeout as sleep } from "node:timers/promises";
import { chunks } from "../src/storage/bulk-writes.js";
import { JobModel, PullRequestModel } from "../src/storage/models/index.js";
import { forEachConcurrently } from "./concurrency.js";

const SCRATCH = "bench_raw_upserts";

/** Waits until the app's queue has nothing running or due (the refreshes webhooks asked for); a retry set for later does not count. */
async function appQuiet(): Promise<void> {
  const busy = () => JobModel.countDocuments({ $or: [{ state: "running" }, { state: "queued", runAt: { $lte: new Date() } }] });
  while ((await busy()) > 0) await sleep(500);
}

/**
 * The database's own pace for the same kind of write, as the yardstick for webhook ingestion: keyed upserts of the
 * stored pull requests, straight through the driver, `concurrency` at a time, into a copy of the app's pull request
 * collection (same documents, same count, same unique index). The copy matters: FerretDB v1 reads a whole
 * collection for a keyed write, so an upsert into a small scratch collection would flatter the database. Measured
 * once the app's queue is quiet, so the app's own work does not slow the yardstick.
 */
export async function measureRawUpserts(count: number, concurrency: number): Promise<{ upserts: number; upsertsPerSec: number }> {
  await appQuiet();
  const stored = await PullRequestModel.find().lean();
  if (stored.length === 0) throw new Error("No stored pull requests to measure upserts against");
  const collection = mongoose.connection.db!.collection(SCRATCH);
  await collection.createIndex({ githubId: 1 }, { unique: true });
  for (const chunk of chunks(stored)) await collection.insertMany(chunk);
  const writes = Array.from({ length: count }, (_, index) => stored[index % stored.length]!);
  const started = performance.now();
  await forEachConcurrently(writes, concurrency, async ({ _id, ...document }) => {
    await collection.updateOne({ githubId: document.githubId }, { $set: { ...document, updatedAt: new Date() } }, { upsert: true });
  });
  const seconds = (performance.now() - started) / 1000;
  await collection.drop();
  return { upserts: count, upsertsPerSec: Math.round((count / seconds) * 10) / 10 };
}
