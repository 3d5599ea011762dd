import type { Types } from "mongoose";
import { fieldsWhen, takenPositions, updateOrInsert } from "./atomic-updates.js";
import { JOB_PRIORITIES, JobModel, type Job, type JobPriority } from "./models/job.js";

export interface JobRequest {
  name: string;
  key: string;
  installationId: number;
  payload?: Record<string, unknown>;
  priority?: JobPriority;
  runAt?: Date;
}

/** A request's job as it stands when queued afresh. */
function freshJob({ name, key, installationId, payload = {}, priority = 0, runAt = new Date() }: JobRequest) {
  return { key, name, installationId, payload, priority, runAt, state: "queued", attempts: 0, lastError: null, lockedUntil: null, workerId: null, rerun: false };
}

/**
 * What a request does to a job of its key that is running: flag it to run once more when it ends (the request may
 * concern something the run has passed already), or leave it be (a periodic sync: the run covers it).
 */
export type WhileRunning = "rerun" | "leave";

/**
 * The update that queues a request on its stored job: one not running is queued afresh; a running one keeps
 * running, flagged to run once more with the latest request unless `whileRunning` says to leave it. One pipeline update decides on the stored state, so a
 * job that starts or ends at that moment cannot make the request miss both. A job still queued keeps the earlier of
 * its time and the requested one: requests for later (a refresh that waits for a burst to end) never put off a job
 * already due, and one due now brings it forward.
 */
function requeueing(request: JobRequest, whileRunning: WhileRunning = "rerun") {
  const { key, runAt, ...fresh } = freshJob(request);
  const latest = whileRunning === "rerun" ? { payload: fresh.payload, priority: fresh.priority, rerun: true } : {};
  const state = (name: string) => ({ $eq: ["$state", name] });
  const time = { $cond: [state("running"), "$runAt", { $cond: [state("queued"), { $min: ["$runAt", runAt] }, runAt] }] };
  return { filter: { key }, update: [{ $set: { ...fieldsWhen(state("running"), latest, fresh), runAt: time } }] };
}

/** Queues work once per key. Single-document writes only: the database has no transactions. */
export async function enqueueJob(request: JobRequest, whileRunning: WhileRunning = "rerun"): Promise<void> {
  const { filter, update } = requeueing(request, whileRunning);
  await updateOrInsert(
    () => JobModel.updateOne(filter, update),
    () => JobModel.create(freshJob(request)),
  );
}

/**
 * Queues many jobs (an installation of a thousand repositories queues thousands at once) in a few round trips: one
 * batch of the updates `enqueueJob` makes, and only when some matched no stored job, one read of which keys are
 * stored and one unordered insert of the rest. Most requests name stored jobs (a webhook's refresh, a re-import),
 * which then cost one statement. Only a key another writer touched at that moment is queued again on its own.
 */
export async function enqueueJobs(requests: JobRequest[], whileRunning: WhileRunning = "rerun"): Promise<void> {
  if (requests.length === 0) return;
  const requeue = (batch: JobRequest[]) => JobModel.bulkWrite(batch.map((request) => ({ updateOne: requeueing(request, whileRunning) })), { ordered: false });
  const { matchedCount } = await requeue(requests);
  if (matchedCount === requests.length) return;
  const storedKeys = new Set((await JobModel.find({ key: { $in: requests.map(({ key }) => key) } }, { key: 1 }).lean()).map(({ key }) => key));
  const stored = requests.filter(({ key }) => storedKeys.has(key));
  const fresh = requests.filter(({ key }) => !storedKeys.has(key));
  // Which stored jobs the batch missed (created by another writer between the update and the read) is not known: the
  // stored ones are requeued again, which changes nothing for those it matched (the update is idempotent).
  if (stored.length > 0 && fresh.length < requests.length - matchedCount) await requeue(stored);
  const retried: JobRequest[] = [];
  if (fresh.length > 0) {
    try {
      await JobModel.insertMany(fresh.map(freshJob), { ordered: false });
    } catch (error) {
      // Created by another writer since the read, or twice in this batch: queue those one by one.
      retried.push(...takenPositions(error).map((position) => fresh[position]!));
    }
  }
  for (const request of retried) await enqueueJob(request, whileRunning);
}

export interface ClaimOptions {
  workerId: string;
  leaseMs: number;
  /** Installations already at their concurrency limit, across every worker (see `busyInstallations`). */
  excludeInstallations: number[];
}

/**
 * Jobs running under a lease that has not lapsed, of every worker of every replica (of one installation, if given).
 * They are a few per worker: the {state, priority, runAt} index reads just them, the {installationId, state} index
 * just an installation's, however many jobs wait.
 */
export function liveRunningFilter(now: Date, installationId?: number): Record<string, unknown> {
  return { ...(installationId !== undefined && { installationId }), state: "running", lockedUntil: { $gt: now } };
}

/** Installations with at least `limit` jobs running now anywhere: one read of the running jobs. */
export async function busyInstallations(limit: number, now = new Date()): Promise<number[]> {
  const running = await JobModel.find(liveRunningFilter(now), { _id: 0, installationId: 1 }).lean();
  const counts = new Map<number, number>();
  for (const { installationId } of running) counts.set(installationId, (counts.get(installationId) ?? 0) + 1);
  return [...counts].filter(([, count]) => count >= limit).map(([installationId]) => installationId);
}

/** How many of an installation's jobs run now anywhere (a claimed job counts itself). */
export function runningJobCount(installationId: number, now = new Date()): Promise<number> {
  return JobModel.countDocuments(liveRunningFilter(now, installationId));
}

/**
 * What a claim asks for, in turn: a running job whose lease lapsed (its worker died), then a due queued job of each
 * priority, lowest first. Each is equality on state (and priority) with a range on a time, which the {state,
 * priority, runAt} index answers. None is sorted: DocumentDB never reads an index in order, so sorting by priority
 * and runAt would read every due job on each claim (thousands during a large install). Priorities are a fixed few,
 * asked in turn; due jobs of one priority are all due, and are taken in no set order.
 */
export function claimFilters(now: Date, excludeInstallations: number[]): Record<string, unknown>[] {
  const eligible = excludeInstallations.length > 0 ? { installationId: { $nin: excludeInstallations } } : {};
  return [
    { state: "running", lockedUntil: { $lt: now }, ...eligible },
    ...JOB_PRIORITIES.map((priority) => ({ state: "queued", priority, runAt: { $lte: now }, ...eligible })),
  ];
}

/** Takes one runnable job (see `claimFilters`); each try is one atomic findOneAndUpdate. */
export async function claimJob({ workerId, leaseMs, excludeInstallations }: ClaimOptions): Promise<Job | null> {
  const now = new Date();
  for (const filter of claimFilters(now, excludeInstallations)) {
    const claimed = await JobModel.findOneAndUpdate(
      filter,
      { $set: { state: "running", workerId, lockedUntil: new Date(now.getTime() + leaseMs), leaseRenewedAt: now }, $inc: { attempts: 1 } },
      { new: true },
    ).lean<Job>();
    if (claimed) return claimed;
  }
  return null;
}

type JobId = Types.ObjectId | unknown;

/** Extends the lease of a long job; false when another worker took it over (this one must stop). */
export async function renewLease(id: JobId, workerId: string, leaseMs: number): Promise<boolean> {
  const result = await JobModel.updateOne(
    { _id: id, workerId, state: "running" },
    { $set: { lockedUntil: new Date(Date.now() + leaseMs), leaseRenewedAt: new Date() } },
  );
  return result.matchedCount === 1;
}

/**
 * Ends a run with `outcome`, unless a rerun was requested while it ran: then the job is queued to run now with fresh
 * attempts, as `enqueueJob` would have queued it right after. One pipeline update reads `rerun` and writes the result
 * atomically; a read followed by a write would lose a request that lands between them.
 */
async function endRun(id: JobId, workerId: string, outcome: Partial<Record<keyof Job, unknown>>): Promise<void> {
  const requeued = { ...outcome, state: "queued", runAt: new Date(), attempts: 0, workerId: null };
  await JobModel.updateOne({ _id: id, workerId, state: "running" }, [
    { $set: { ...fieldsWhen("$rerun", requeued, outcome), rerun: false, lockedUntil: null } },
  ]);
}

export async function completeJob(id: JobId, workerId: string): Promise<void> {
  await endRun(id, workerId, { state: "done", lastError: null });
}

/** Records a failure: retried at `retryAt`, or failed for good when no retry is due. */
export async function failJob(id: JobId, workerId: string, error: string, retryAt: Date | null): Promise<void> {
  await endRun(
    id,
    workerId,
    retryAt ? { state: "queued", runAt: retryAt, lastError: error, workerId: null } : { state: "failed", lastError: error },
  );
}

/**
 * Puts a job back for later without counting the run as a failed attempt: it was interrupted (shutdown, lost lease)
 * or postponed until a rate limit resets, neither of which says anything about the job itself. A rerun requested
 * meanwhile is served by that later run (the request's payload and priority are already on the job).
 */
export async function postponeJob(id: JobId, workerId: string, reason: string, runAt: Date): Promise<void> {
  await JobModel.updateOne(
    { _id: id, workerId, state: "running" },
    { $set: { state: "queued", runAt, lastError: reason, lockedUntil: null, workerId: null, rerun: false }, $inc: { attempts: -1 } },
  );
}

/**
 * Gives a job just claimed back untouched, to be claimed again at once: its installation turned out to be at its
 * concurrency limit (see the Worker). Neither an attempt nor an error: the run never started.
 */
export async function handBackJob(id: JobId, workerId: string): Promise<void> {
  await JobModel.updateOne(
    { _id: id, workerId, state: "running" },
    { $set: { state: "queued", runAt: new Date(), lockedUntil: null, workerId: null, rerun: false }, $inc: { attempts: -1 } },
  );
}

const TOLD_FIELDS = { key: 1, payload: 1, state: 1, runAt: 1, lastError: 1, lockedUntil: 1, leaseRenewedAt: 1 } as const;

/** The jobs of these keys, as far as a person is told of them (whether they wait, and for what). */
export function findJobs(keys: string[]) {
  return JobModel.find({ key: { $in: keys } }, TOLD_FIELDS).lean();
}

/** Queued or running jobs whose payload lists any of these repositories under `imports` (first-pages jobs), as told. */
export function findJobsImporting(repositoryIds: number[]) {
  return JobModel.find({ "payload.imports.repositoryId": { $in: repositoryIds }, state: { $in: ["queued", "running"] } }, TOLD_FIELDS).lean();
}

/** An installation's queued jobs of one name (of these repositories, for jobs that list theirs under `imports`). */
export function findQueuedJobs({ name, installationId, repositoryIds }: { name: string; installationId: number; repositoryIds?: number[] }) {
  const naming = repositoryIds ? { "payload.imports.repositoryId": { $in: repositoryIds } } : {};
  return JobModel.find({ name, installationId, state: "queued", ...naming }, { payload: 1 }).lean();
}

/**
 * Gives a queued job a new payload, or drops it when there is none, unless it changed since its payload was read (it
 * started, or was asked for again: whoever did so decided on what it holds).
 */
export async function replaceQueuedPayload(id: JobId, read: Record<string, unknown>, payload: Record<string, unknown> | null): Promise<void> {
  const unchanged = { _id: id, state: "queued", payload: read };
  if (payload) await JobModel.updateOne(unchanged, { $set: { payload } });
  else await JobModel.deleteOne(unchanged);
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
