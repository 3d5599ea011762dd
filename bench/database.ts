import { loadavg } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import mongoose from "mongoose";
import { PullRequestModel } from "../src/storage/models/index.js";
import { findPullRequest, savePullRequests } from "../src/storage/pull-requests.js";
import { percentile, ratio, round1 } from "./figures.js";
import type { DatabasePlan } from "./sizes.js";
import { AFTER_HISTORY, syntheticPullRequest, syntheticPullRequestId, syntheticWebhookPullRequest } from "./synthetic-pull-requests.js";

/** Documents per insertMany while filling: the database's pace barely changes from 1,000 to 5,000 or with two in flight. */
const FILL_BATCH = 5_000;
/** A full page of the pull request backfill (its adaptive page size grows to 50). */
const BACKFILL_PAGE = 50;
/** Ids per batch read: a full page's, which the app's chunked writes read back in one `$in`. */
const BATCH_READ_IDS = BACKFILL_PAGE;
/** Untimed calls before each operation's samples: the first ones pay for connections and plan caches. */
const WARM_UP = 5;

export const DATABASE_TARGETS = { p95Ms: 50, growth: 2 };

export interface Latency {
  p50Ms: number;
  p95Ms: number;
}

export interface OperationFigures {
  /** One entry per size, in the order of `sizes`. */
  bySize: Latency[];
  /** Largest size ÷ smallest. */
  growth: { p50: number; p95: number };
  /** p95 at the largest size and p50 growth within the targets; null where no target applies (a whole page). */
  meetsTargets: boolean | null;
}

const OPERATIONS = ["keyedRead", "guardedUpdate", "insert", "batchRead", "backfillPage", "backfillPerRecord"] as const;
export type DatabaseOperation = (typeof OPERATIONS)[number];

export interface DatabaseMeasurement {
  sizes: number[];
  samples: number;
  batchReadIds: number;
  backfillPageSize: number;
  /** Average stored size of a filled pull request. */
  documentBytes: number;
  /** Seconds to fill the collection from the previous size to each size. */
  fillSeconds: number[];
  /** The machine's one-minute load average after measuring each size: other work on it shows in the latencies. */
  loadAverage: number[];
  operations: Record<DatabaseOperation, OperationFigures>;
  targets: typeof DATABASE_TARGETS;
}

type Timed = Exclude<DatabaseOperation, "backfillPerRecord">;

const randomBelow = (limit: number) => Math.floor(Math.random() * limit);
export function latencyOf(samplesMs: number[]): Latency {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return { p50Ms: round1(percentile(sorted, 50)), p95Ms: round1(percentile(sorted, 95)) };
}

export async function timeEach(samples: number, operation: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARM_UP; i += 1) await operation();
  const durations: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const started = performance.now();
    await operation();
    durations.push(performance.now() - started);
  }
  return durations;
}

/**
 * Adds pull requests `from`…`to - 1` straight through the driver. The synthetic record sets every field of the
 * schema, so it is stored as the model would build it, without the model's cost (over 1 ms a document).
 */
export async function fillPullRequests(from: number, to: number, print: (line: string) => void): Promise<number> {
  const started = performance.now();
  const syncedAt = new Date();
  let reported = from;
  for (let next = from; next < to; next += FILL_BATCH) {
    const batch = Array.from({ length: Math.min(FILL_BATCH, to - next) }, (_, offset) => ({ ...syntheticPullRequest(next + offset), syncedAt }));
    await PullRequestModel.collection.insertMany(batch, { ordered: false });
    const filled = next + batch.length;
    if (filled - reported >= 50_000 || filled === to) {
      const seconds = (performance.now() - started) / 1000;
      print(`    filled ${filled.toLocaleString("en")} / ${to.toLocaleString("en")} (${Math.round((filled - from) / seconds).toLocaleString("en")} documents/s)`);
      reported = filled;
    }
  }
  return round1((performance.now() - started) / 1000);
}

async function averageDocumentBytes(): Promise<number> {
  const sample = await PullRequestModel.collection.find().limit(100).toArray();
  const bytes = sample.reduce((sum, document) => sum + mongoose.mongo.BSON.calculateObjectSize(document), 0);
  return Math.round(bytes / sample.length);
}

/**
 * Each of the app's pull request operations, timed one call at a time with `stored` pull requests in the
 * collection. New records are numbered from `stored` up and deleted afterwards, so every operation meets the
 * collection at its size and the next fill continues from there.
 */
async function measureAtSize(stored: number, samples: number, nextUpdate: () => Date): Promise<Record<Timed, number[]>> {
  let created = stored;
  let lastUpdate = { index: 0, at: new Date(0) };
  const guardedUpdate = () => {
    lastUpdate = { index: randomBelow(stored), at: nextUpdate() };
    return savePullRequests([syntheticWebhookPullRequest(lastUpdate.index, lastUpdate.at)]);
  };
  const randomStoredIds = (count: number) => {
    const ids = new Set<number>();
    while (ids.size < count) ids.add(syntheticPullRequestId(randomBelow(stored)));
    return [...ids];
  };
  const durations = {
    keyedRead: await timeEach(samples, async () => {
      if (!(await findPullRequest(syntheticPullRequestId(randomBelow(stored))))) throw new Error("A stored pull request was not found");
    }),
    // The webhook path: a newer version of a stored pull request, written unless the stored one is newer.
    guardedUpdate: await timeEach(samples, guardedUpdate),
    insert: await timeEach(samples, () => savePullRequests([syntheticPullRequest(created++)])),
    batchRead: await timeEach(samples, async () => {
      const found = await PullRequestModel.find({ githubId: { $in: randomStoredIds(BATCH_READ_IDS) } }).lean();
      if (found.length !== BATCH_READ_IDS) throw new Error(`A batch read found ${found.length} of ${BATCH_READ_IDS} pull requests`);
    }),
    backfillPage: await timeEach(samples, () => {
      const page = Array.from({ length: BACKFILL_PAGE }, () => syntheticPullRequest(created++));
      return savePullRequests(page);
    }),
  };
  // The writes must have happened, or their timings say nothing.
  const updated = await findPullRequest(syntheticPullRequestId(lastUpdate.index));
  if (updated?.updatedAt.getTime() !== lastUpdate.at.getTime()) throw new Error("A guarded update did not reach the database");
  const { deletedCount } = await PullRequestModel.deleteMany({ githubId: { $gte: syntheticPullRequestId(stored) } });
  if (deletedCount !== created - stored) throw new Error(`Expected ${created - stored} new pull requests, found ${deletedCount}`);
  return durations;
}

function operationFigures(bySize: Latency[], target: boolean): OperationFigures {
  const smallest = bySize[0]!;
  const largest = bySize.at(-1)!;
  const growth = { p50: ratio(largest.p50Ms, smallest.p50Ms), p95: ratio(largest.p95Ms, smallest.p95Ms) };
  return { bySize, growth, meetsTargets: target ? largest.p95Ms <= DATABASE_TARGETS.p95Ms && growth.p50 <= DATABASE_TARGETS.growth : null };
}

/**
 * The app's pull request storage functions on its real model and indexes, at each of `plan.sizes` documents:
 * keyed read, guarded update (the webhook path), insert, a batch read of a chunk's ids and a backfill page. The
 * collection is filled through the driver and grows from one size to the next; it must start empty.
 */
export async function measureDatabase(plan: DatabasePlan, print: (line: string) => void): Promise<DatabaseMeasurement> {
  // A dropped database loses the indexes connectDatabase built; the app's own definitions restore them.
  await PullRequestModel.createIndexes();
  if ((await PullRequestModel.estimatedDocumentCount()) > 0) throw new Error("The pull request collection must start empty");
  let updates = 0;
  const nextUpdate = () => new Date(AFTER_HISTORY + updates++);
  const fillSeconds: number[] = [];
  const loadAverage: number[] = [];
  const latencies = Object.fromEntries(OPERATIONS.map((operation) => [operation, [] as Latency[]])) as Record<DatabaseOperation, Latency[]>;
  let stored = 0;
  for (const size of plan.sizes) {
    print(`  ${size.toLocaleString("en")} pull requests`);
    fillSeconds.push(await fillPullRequests(stored, size, print));
    stored = size;
    if (plan.settleSeconds > 0) {
      print(`    settling ${plan.settleSeconds} s for autovacuum`);
      await sleep(plan.settleSeconds * 1000);
    }
    const durations = await measureAtSize(stored, plan.samples, nextUpdate);
    for (const operation of Object.keys(durations) as Timed[]) latencies[operation].push(latencyOf(durations[operation]));
    latencies.backfillPerRecord.push(latencyOf(durations.backfillPage.map((ms) => ms / BACKFILL_PAGE)));
    loadAverage.push(round1(loadavg()[0]!));
    const keyedRead = latencies.keyedRead.at(-1)!;
    print(`    keyed read p50 ${keyedRead.p50Ms} ms, p95 ${keyedRead.p95Ms} ms; backfill page p50 ${latencies.backfillPage.at(-1)!.p50Ms} ms`);
  }
  return {
    sizes: plan.sizes,
    samples: plan.samples,
    batchReadIds: BATCH_READ_IDS,
    backfillPageSize: BACKFILL_PAGE,
    documentBytes: await averageDocumentBytes(),
    fillSeconds,
    loadAverage,
    operations: Object.fromEntries(
      OPERATIONS.map((operation) => [operation, operationFigures(latencies[operation], operation !== "backfillPage")]),
    ) as Record<DatabaseOperation, OperationFigures>,
    targets: DATABASE_TARGETS,
  };
}
