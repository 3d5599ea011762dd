import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import { reportDatabaseError } from "../db/health.js";
import { untilWritten } from "../db/until-written.js";
import { busyInstallations, claimJob, completeJob, failJob, handBackJob, postponeJob, renewLease, runningJobCount } from "../storage/jobs.js";
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
  /** Jobs running at once in this process. */
  concurrency?: number;
  /** Jobs of one installation running at once across every worker of every replica (GitHub limits are per installation). */
  perInstallation?: number;
  pollMs?: number;
  leaseMs?: number;
  maxAttempts?: number;
}

const backoff = (attempt: number) => new Date(Date.now() + Math.min(60_000, 1_000 * 2 ** attempt));

/**
 * Runs queued jobs in the background, never inside a webhook request. Leases make it crash-safe: a job whose
 * worker died is taken over when its lease lapses, and resumes from the checkpoint its handler saved. Any number of
 * workers (in any number of replicas) share one queue: a job runs in one place at a time (its claim is one atomic
 * update of its document), and an installation's jobs run at most `perInstallation` at once across all of them.
 */
export class Worker {
  readonly id = `worker-${randomUUID().slice(0, 8)}`;
  readonly #options: Required<WorkerOptions>;
  readonly #running = new Map<string, { done: Promise<void>; abort: AbortController }>();
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
    for (;;) {
      if (this.#running.size > 0) await Promise.race([...this.#running.values()].map((r) => r.done));
      else if ((await this.#claimAndStart()) === "none") return;
      // Handed back: its installation is busy in another worker, whose jobs end in their own time.
      else if (this.#running.size === 0) await sleep(this.#options.pollMs);
    }
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      const claimed = this.#running.size < this.#options.concurrency && (await this.#claimAndStart().catch((error: unknown) => this.#claimFailed(error)));
      if (claimed === "started") continue;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        // Woken by the poll interval or a job ending (none running: the interval alone).
        void Promise.race([sleep(this.#options.pollMs), ...[...this.#running.values()].map((r) => r.done)]).then(() => resolve());
      });
      this.#wake = undefined;
    }
  }

  /** A claim that failed (the database unreachable, a deadlock) is tried again at the next poll; the loop goes on. */
  #claimFailed(error: unknown): "none" {
    if (!reportDatabaseError(this.#options.log, error, "claiming a job")) this.#options.log.warn({ err: error }, "could not claim a job; trying again shortly");
    return "none";
  }

  /**
   * Claims a job and starts it, unless its installation is at its limit across all workers. Installations at the
   * limit are left out of the claim (read from the running jobs, which are few); as others may claim at the same
   * moment, a claimed job then counts its installation's running jobs (its own included) and is handed straight back
   * when they are more than the limit.
   *
   * Why no more than `perInstallation` jobs of an installation ever run at once: a job runs only after its claim (a
   * write that makes it running under a live lease) and then a count, read after that write, that found at most the
   * limit. Take any limit + 1 jobs of one installation running at one moment, and among them the job whose claim was
   * written last: its count was read after every one of their claims, and before that moment, so all of them were
   * running then (a job stays running, its lease renewed, from its claim until it ends): it counted limit + 1 at
   * least and was handed back, not run — a contradiction. Claims that collide may all be handed back; each is claimed
   * again at the next poll. Neither read scans the queue: both read running jobs only, through indexes.
   */
  async #claimAndStart(): Promise<"started" | "handed back" | "none"> {
    if (this.#stopping || this.#running.size >= this.#options.concurrency) return "none";
    const { leaseMs, perInstallation } = this.#options;
    const job = await claimJob({ workerId: this.id, leaseMs, excludeInstallations: await busyInstallations(perInstallation) });
    if (!job) return "none";
    // Should the count or the hand-back fail, the job stays claimed until its lease lapses, then runs elsewhere.
    if ((await runningJobCount(job.installationId)) > perInstallation) {
      await handBackJob(job._id, this.id);
      this.#options.log.debug({ job: job.key }, "job handed back: its installation is at its limit in other workers");
      return "handed back";
    }
    const key = String(job._id);
    const abort = new AbortController();
    const done = this.#execute(job, abort).finally(() => this.#running.delete(key));
    this.#running.set(key, { done, abort });
    return "started";
  }

  async #execute(job: Job, abort: AbortController): Promise<void> {
    const { log, leaseMs } = this.#options;
    // The worker is the job's `workerId`; with the start line and the outcome's, a run can be traced across replicas.
    const jobLog = log.child({ job: job.key, installationId: job.installationId, worker: this.id, attempt: job.attempts });
    jobLog.debug("job started");
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
      jobLog.debug({ outcome: "done" }, "job done");
      return () => completeJob(job._id, this.id);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof JobCancelled) {
        jobLog.info({ outcome: "stopped", reason: message }, "job stopped");
        return () => completeJob(job._id, this.id);
      }
      if (abort.signal.aborted) {
        // Shutting down or lease lost: the job stays claimable and resumes from its checkpoint.
        jobLog.info({ outcome: "interrupted" }, "job interrupted; it will resume from its checkpoint");
        return () => postponeJob(job._id, this.id, "interrupted", new Date());
      }
      if (error instanceof RetryLater) {
        jobLog.warn({ outcome: "postponed", at: error.at, reason: message }, "job postponed");
        return () => postponeJob(job._id, this.id, message, error.at);
      }
      const retryAt = job.attempts < maxAttempts ? backoff(job.attempts) : null;
      jobLog.error({ outcome: "failed", err: error, retryAt }, "job failed");
      return () => failJob(job._id, this.id, message, retryAt);
    }
  }
}
