import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import { reportDatabaseError } from "../db/health.js";
import { untilWritten } from "../db/until-written.js";
import { claimJob, completeJob, failJob, postponeJob, renewLease } from "../storage/jobs.js";
import type { Job } from "../storage/models/job.js";

/** Thrown by a handler whose work no longer applies (integration suspended, service switched off): not a failure. */
export class JobCancelled extends Error {
  override name = "JobCancelled";
}

/** Thrown by a handler that should be retried later, e.g. after a rate limit resets. */
export class RetryLater extends Error {
  override name = "RetryLater";
  constructor(message: string, readonly at: Date) {
    super(message);
  }
}

export type JobHandler = (job: Job, signal: AbortSignal) => Promise<void>;

export interface WorkerOptions {
  handlers: Record<string, JobHandler>;
  log: Logger;
  /** Jobs running at once in this process, and at most per installation (GitHub limits are per installation). */
  concurrency?: number;
  perInstallation?: number;
  pollMs?: number;
  leaseMs?: number;
  maxAttempts?: number;
}

const backoff = (attempt: number) => new Date(Date.now() + Math.min(60_000, 1_000 * 2 ** attempt));

/**
 * Runs queued jobs in the background, never inside a webhook request. Leases make it crash-safe: a job whose
 * worker died is taken over when its lease lapses, and resumes from the checkpoint its handler saved.
 */
export class Worker {
  readonly id = `worker-${randomUUID().slice(0, 8)}`;
  readonly #options: Required<WorkerOptions>;
  readonly #running = new Map<string, { installationId: number; done: Promise<void>; abort: AbortController }>();
  #stopping = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(options: WorkerOptions) {
    this.#options = { concurrency: 4, perInstallation: 2, pollMs: 1_000, leaseMs: 60_000, maxAttempts: 5, ...options };
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Wakes an idle worker at once, e.g. right after this process enqueued something. */
  notify(): void {
    this.#wake?.();
  }

  /** Stops claiming, asks running jobs to checkpoint and return, and waits for them. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.notify();
    for (const { abort } of this.#running.values()) abort.abort();
    await this.#loop;
    await Promise.all([...this.#running.values()].map((r) => r.done));
  }

  /** Resolves once no job is running or runnable now (tests and the demo wait for a quiet queue). */
  async idle(): Promise<void> {
    while (this.#running.size > 0 || (await this.#claimAndStart())) {
      await Promise.race([...this.#running.values()].map((r) => r.done));
    }
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      const started = this.#running.size < this.#options.concurrency && (await this.#claimAndStart().catch((error: unknown) => this.#claimFailed(error)));
      if (started) continue;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        // Woken by the poll interval or a job ending (none running: the interval alone).
        void Promise.race([sleep(this.#options.pollMs), ...[...this.#running.values()].map((r) => r.done)]).then(() => resolve());
      });
      this.#wake = undefined;
    }
  }

  /** A claim that failed (the database unreachable, a deadlock) is tried again at the next poll; the loop goes on. */
  #claimFailed(error: unknown): false {
    if (!reportDatabaseError(this.#options.log, error, "claiming a job")) this.#options.log.warn({ err: error }, "could not claim a job; trying again shortly");
    return false;
  }

  #busyInstallations(): number[] {
    const counts = new Map<number, number>();
    for (const { installationId } of this.#running.values()) counts.set(installationId, (counts.get(installationId) ?? 0) + 1);
    return [...counts].filter(([, n]) => n >= this.#options.perInstallation).map(([id]) => id);
  }

  async #claimAndStart(): Promise<boolean> {
    if (this.#stopping || this.#running.size >= this.#options.concurrency) return false;
    const job = await claimJob({ workerId: this.id, leaseMs: this.#options.leaseMs, excludeInstallations: this.#busyInstallations() });
    if (!job) return false;
    const key = String(job._id);
    const abort = new AbortController();
    const done = this.#execute(job, abort).finally(() => this.#running.delete(key));
    this.#running.set(key, { installationId: job.installationId, done, abort });
    return true;
  }

  async #execute(job: Job, abort: AbortController): Promise<void> {
    const { log, leaseMs } = this.#options;
    const jobLog = log.child({ job: job.key, attempt: job.attempts });
    const heartbeat = setInterval(() => {
      renewLease(job._id, this.id, leaseMs).then(
        (owned) => owned || abort.abort(),
        (error: unknown) =>
          reportDatabaseError(jobLog, error, "renewing a job's lease") || jobLog.warn({ err: error }, "could not renew the job's lease; trying again at the next beat"),
      );
    }, leaseMs / 3);
    try {
      const recordOutcome = await this.#runHandler(job, abort, jobLog);
      // Retried while the lease is renewed; given up only when stopping: the job then stays claimed until its lease
      // lapses and runs again from its checkpoint, so nothing is lost either way.
      let told = false;
      await untilWritten(recordOutcome, {
        onFailure: (error) => {
          if (reportDatabaseError(jobLog, error, "recording a job's outcome") || told) return;
          told = true;
          jobLog.warn({ err: error }, "could not record the job's outcome; trying again");
        },
        stopping: () => this.#stopping,
      });
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Runs the job's handler and says how its outcome is recorded in the queue. */
  async #runHandler(job: Job, abort: AbortController, jobLog: Logger): Promise<() => Promise<void>> {
    const { handlers, maxAttempts } = this.#options;
    try {
      const handler = handlers[job.name];
      if (!handler) throw new Error(`no handler for job "${job.name}"`);
      await handler(job, abort.signal);
      jobLog.debug("job done");
      return () => completeJob(job._id, this.id);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof JobCancelled) {
        jobLog.info({ reason: message }, "job stopped");
        return () => completeJob(job._id, this.id);
      }
      if (abort.signal.aborted) {
        // Shutting down or lease lost: the job stays claimable and resumes from its checkpoint.
        jobLog.info("job interrupted; it will resume from its checkpoint");
        return () => postponeJob(job._id, this.id, "interrupted", new Date());
      }
      if (error instanceof RetryLater) {
        jobLog.warn({ at: error.at, reason: message }, "job postponed");
        return () => postponeJob(job._id, this.id, message, error.at);
      }
      const retryAt = job.attempts < maxAttempts ? backoff(job.attempts) : null;
      jobLog.error({ err: error, retryAt }, "job failed");
      return () => failJob(job._id, this.id, message, retryAt);
    }
  }
}
