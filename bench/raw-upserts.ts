import { randomUUID } from "node:crypto";
import mongoose, { type mongo } from "mongoose";
import { chunks } from "../src/storage/bulk-writes.js";
import { cpuTimeNow, cpuUse, type CpuUse } from "./cpu-time.js";
import { PullRequestModel } from "../src/storage/models/index.js";
import { forEachConcurrently } from "./concurrency.js";
import { appQuiet } from "./app-quiet.js";

const SCRATCH = "bench_raw_upserts";
const SCRATCH_INBOX = "bench_raw_inbox";

const perSecond = (count: number, started: number) => Math.round((count / ((performance.now() - started) / 1000)) * 10) / 10;

/**
 * Runs `write` for each of `count` stored pull requests (round robin), `concurrency` at a time, against a copy of
 * the app's pull request collection (same documents, same count, same unique index): an upsert into a small
 * scratch collection would flatter the database. Measured once the app's queue is quiet, so the app's own work
 * does not slow the yardstick. Returns writes per second, and what they cost the machine's CPU.
 */
async function timedAgainstCopy(
  count: number,
  concurrency: number,
  write: (copy: mongo.Collection, document: Record<string, unknown>, index: number) => Promise<unknown>,
): Promise<{ perSec: number; cpu: CpuUse | null }> {
  await appQuiet();
  const stored = await PullRequestModel.find().lean();
  if (stored.length === 0) throw new Error("No stored pull requests to measure upserts against");
  const copy = mongoose.connection.db!.collection(SCRATCH);
  await copy.createIndex({ githubId: 1 }, { unique: true });
  for (const chunk of chunks(stored)) await copy.insertMany(chunk);
  const writes = Array.from({ length: count }, (_, index) => index);
  const cpuBefore = cpuTimeNow();
  const started = performance.now();
  await forEachConcurrently(writes, concurrency, async (index) => {
    const { _id, ...document } = stored[index % stored.length]!;
    await write(copy, document, index);
  });
  const cpu = cpuUse(cpuBefore, cpuTimeNow(), count, performance.now() - started);
  const perSec = perSecond(count, started);
  await copy.drop();
  return { perSec, cpu };
}

const upsert = (copy: mongo.Collection, document: Record<string, unknown>) =>
  copy.updateOne({ githubId: document.githubId }, { $set: { ...document, updatedAt: new Date() } }, { upsert: true });

/**
 * The database's own pace for the app's kind of record write: keyed upserts straight through the driver. With the
 * cores they kept busy: each waits for its commit, so the pace is set by the commits' latency more than by CPU.
 */
export async function measureRawUpserts(count: number, concurrency: number): Promise<{ upserts: number; upsertsPerSec: number; cpu: CpuUse | null }> {
  const { perSec, cpu } = await timedAgainstCopy(count, concurrency, upsert);
  return { upserts: count, upsertsPerSec: perSec, cpu };
}

/**
 * The least the database must do per delivery, straight through the driver: insert the delivery's body (the
 * burst's own bodies) into an inbox, then upsert the record it carries. The yardstick that matches what the app
 * does, beside the keyed upsert alone.
 */
export async function measureRawDeliveryWrites(bodies: string[], concurrency: number): Promise<number> {
  const inbox = mongoose.connection.db!.collection<{ _id: string; body: string; receivedAt: Date }>(SCRATCH_INBOX);
  try {
    const { perSec } = await timedAgainstCopy(bodies.length, concurrency, async (copy, document, index) => {
      await inbox.insertOne({ _id: randomUUID(), body: bodies[index]!, receivedAt: new Date() });
      await upsert(copy, document);
    });
    return perSec;
  } finally {
    // Absent if the first write failed: nothing to drop then.
    await inbox.drop().catch(() => false);
  }
}
