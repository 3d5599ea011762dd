import mongoose from "mongoose";
import { PullRequestModel } from "../src/storage/models/index.js";
import { forEachConcurrently } from "./concurrency.js";

const SCRATCH = "bench_raw_upserts";

/**
 * The database's own pace for the same kind of write, as the yardstick for webhook ingestion: keyed upserts of a
 * stored pull request document, straight through the driver, `concurrency` at a time.
 */
export async function measureRawUpserts(count: number, concurrency: number): Promise<{ upserts: number; upsertsPerSec: number }> {
  const { _id, ...sample } = (await PullRequestModel.findOne().lean()) ?? { _id: null, title: "sample" };
  const collection = mongoose.connection.db!.collection(SCRATCH);
  const keys = Array.from({ length: count }, (_, index) => index);
  const started = performance.now();
  await forEachConcurrently(keys, concurrency, async (key) => {
    await collection.updateOne({ githubId: key }, { $set: { ...sample, githubId: key, updatedAt: new Date() } }, { upsert: true });
  });
  const seconds = (performance.now() - started) / 1000;
  await collection.drop();
  return { upserts: count, upsertsPerSec: Math.round((count / seconds) * 10) / 10 };
}
