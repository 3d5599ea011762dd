import type { Types } from "mongoose";
import { insertNewThen } from "./bulk-writes.js";
import { isDuplicateKey } from "./mongo-errors.js";
import { JobModel, type Job } from "./models/job.js";

export interface JobRequest {
  name: string;
  key: string;
  installationId: number;
  payload?: Record<string, unknown>;
  priority?: number;
  runAt?: Date;
}

/** Queues work once per key. Single-document writes only: FerretDB has no transactions. */
export async function enqueueJob({ name, key, installationId, payload = {}, priority = 0, runAt = new Date() }: JobRequest) {
  const fields = { name, installationId, payload, priority, runAt };
  try {
    await JobModel.updateOne(
      { key, state: { $ne: "running" } },
      { $set: { ...fields, state: "queued", attempts: 0, lastError: null, lockedUntil: null } },
      { upsert: true },
    );
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    // It is running right now: let it finish, then run once more with the latest request.
    await JobModel.updateOne({ key, state: "running" }, { $set: { rerun: true, payload, priority } });
  }
}

/**
 * Queues many jobs: keys never queued before go in with one insert per chunk (an installation of a thousand
 * repositories queues thousands at once), keys seen before are queued one by one as `enqueueJob` does.
 */
export async function enqueueJobs(requests: JobRequest[]): Promise<void> {
  const now = new Date();
  const byKey = new Map(requests.map((request) => [request.key, request]));
  await insertNewThen(
    JobModel,
    requests.map(({ key, name, installationId, payload = {}, priority = 0, runAt = now }) => ({
      key: { key },
      set: { name, installationId, payload, priority, runAt, state: "queued" },
      // Inserted past mongoose, which would otherwise set these.
      setOnInsert: { createdAt: now, updatedAt: now },
    })),
    async (known) => {
      for (const { key } of known) await enqueueJob(byKey.get(key.key as string)!);
    },
  );
}

export interface ClaimOptions {
  workerId: string;
  leaseMs: number;
  /** Installations already at their concurrency limit in this worker. */
  excludeInstallations: number[];
}

export async function claimJob({ workerId, leaseMs, excludeInstallations }: ClaimOptions): Promise<Job | null> {
  const now = new Date();
  return JobModel.findOneAndUpdate(
    {
      installationId: { $nin: excludeInstallations },
      $or: [
        { state: "queued", runAt: { $lte: now } },
        { state: "running", lockedUntil: { $lt: now } },
      ],
    },
    { $set: { state: "running", workerId, lockedUntil: new Date(now.getTime() + leaseMs) }, $inc: { attempts: 1 } },
    { sort: { priority: 1, runAt: 1 }, new: true },
  ).lean<Job>();
}

type JobId = Types.ObjectId | unknown;

/** Extends the lease of a long job; false when another worker took it over (this one must stop). */
export async function renewLease(id: JobId, workerId: string, leaseMs: number): Promise<boolean> {
  const result = await JobModel.updateOne(
    { _id: id, workerId, state: "running" },
    { $set: { lockedUntil: new Date(Date.now() + leaseMs) } },
  );
  return result.matchedCount === 1;
}

export async function completeJob(id: JobId, workerId: string): Promise<void> {
  const rerun = await JobModel.updateOne(
    { _id: id, workerId, state: "running", rerun: true },
    { $set: { state: "queued", rerun: false, runAt: new Date(), attempts: 0, lockedUntil: null, workerId: null } },
  );
  if (rerun.matchedCount === 0) {
    await JobModel.updateOne({ _id: id, workerId, state: "running" }, { $set: { state: "done", lockedUntil: null, lastError: null } });
  }
}

/** Records a failure: retried at `retryAt`, or failed for good when no retry is due. */
export async function failJob(id: JobId, workerId: string, error: string, retryAt: Date | null): Promise<void> {
  await JobModel.updateOne(
    { _id: id, workerId, state: "running" },
    retryAt
      ? { $set: { state: "queued", runAt: retryAt, lastError: error, lockedUntil: null, workerId: null } }
      : { $set: { state: "failed", lastError: error, lockedUntil: null } },
  );
}

/**
 * Puts a job back for later without counting the run as a failed attempt: it was interrupted (shutdown, lost lease)
 * or postponed until a rate limit resets, neither of which says anything about the job itself.
 */
export async function postponeJob(id: JobId, workerId: string, reason: string, runAt: Date): Promise<void> {
  await JobModel.updateOne(
    { _id: id, workerId, state: "running" },
    { $set: { state: "queued", runAt, lastError: reason, lockedUntil: null, workerId: null }, $inc: { attempts: -1 } },
  );
}

/** Drops queued work matching a filter on name/installation/payload (a running job notices on its own). */
export async function cancelQueuedJobs(filter: { name?: string; installationId: number; payload?: Record<string, unknown> }) {
  const payloadFilter = Object.fromEntries(Object.entries(filter.payload ?? {}).map(([k, v]) => [`payload.${k}`, v]));
  const query = { installationId: filter.installationId, state: "queued", ...(filter.name && { name: filter.name }), ...payloadFilter };
  const result = await JobModel.deleteMany(query);
  return result.deletedCount;
}

/** Finished jobs are kept this long (for an operator reading the queue), then forgotten. */
export const FINISHED_JOB_RETENTION_MS = 7 * 24 * 3_600_000;

/**
 * Forgets jobs that finished well in the past: one-off keys (a force-push cleanup per push) would otherwise pile up,
 * and every claim reads the queue. A key queued again later simply starts a new job.
 */
export async function pruneFinishedJobs(now = new Date()): Promise<number> {
  const { deletedCount } = await JobModel.deleteMany({ state: "done", updatedAt: { $lt: new Date(now.getTime() - FINISHED_JOB_RETENTION_MS) } });
  return deletedCount;
}
