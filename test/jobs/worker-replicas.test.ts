import { setTimeout as sleep } from "node:timers/promises";
import { pino } from "pino";
import { beforeEach, describe, expect, it } from "vitest";
import { Worker, type JobHandler } from "../../src/jobs/worker.js";
import { enqueueJob, enqueueJobs } from "../../src/storage/jobs.js";
import { JobModel } from "../../src/storage/models/job.js";
import { clearDatabase } from "../helpers/database.js";
import { eventually } from "../helpers/eventually.js";
import { replayJobRuns, type JobRunEvent } from "../helpers/job-runs.js";

/*
 * Replicas of the app each run a Worker on one database. These run several Workers at once in this process: each
 * claims, counts and hands back through its own database commands, which interleave at the database just as those
 * of separate processes do.
 */

const silent = pino({ level: "silent" });
const replicas = (count: number, handler: (workerId: string) => JobHandler) =>
  Array.from({ length: count }, () => {
    const worker: Worker = new Worker({ handlers: { work: (job, signal) => handler(worker.id)(job, signal) }, log: silent, pollMs: 5, concurrency: 4 });
    return worker;
  });

/** What the handlers saw, in the order it happened (one event loop: the array's order is the order of events). */
type Event = JobRunEvent & { at: number };

beforeEach(clearDatabase);

describe("workers of several replicas on one database", () => {
  it.each([2, 3])("never run more than 2 jobs of an installation at once, nor one key twice at once, across %i workers", async (count) => {
    const events: Event[] = [];
    const keys = [1, 2, 3].flatMap((installationId) => Array.from({ length: 12 }, (_, i) => ({ key: `work:${installationId}:${i}`, installationId })));
    let requeued = 0;
    const workers = replicas(count, (worker) => async (job) => {
      events.push({ at: Date.now(), kind: "start", worker, key: job.key, installationId: job.installationId });
      // Requested again while it runs (a webhook during a sync): it runs once more afterwards, never alongside.
      if (job.key.endsWith(":0") && requeued < 6) {
        requeued += 1;
        await enqueueJob({ name: "work", key: job.key, installationId: job.installationId });
      }
      await sleep(5 + Math.random() * 20);
      events.push({ at: Date.now(), kind: "end", worker, key: job.key, installationId: job.installationId });
    });
    await enqueueJobs(keys.map((job) => ({ name: "work", ...job })));

    for (const worker of workers) worker.start();
    await eventually("every job ran", async () => (await JobModel.countDocuments({ state: "done" })) === keys.length && events.length >= 2 * (keys.length + 3));
    await Promise.all(workers.map((worker) => worker.stop()));

    const { peak, overlappingKeys } = replayJobRuns(events);
    expect(overlappingKeys).toEqual([]);
    // Twelve slots among the workers, six jobs allowed at once: every installation reached its limit, none passed it.
    expect(peak).toEqual({ 1: 2, 2: 2, 3: 2 });
    // Every worker took part, and every job ran to its end exactly once per request.
    expect(new Set(events.map(({ worker }) => worker)).size).toBe(count);
    expect(events.filter(({ kind }) => kind === "start")).toHaveLength(keys.length + requeued);
    // A job handed back (claimed at once with others over the limit) had its claim undone: one attempt per run.
    expect(await JobModel.countDocuments({ attempts: { $ne: 1 } })).toBe(0);
  });

  it("leaves an installation's jobs queued while two of them run in another replica, and runs the others'", async () => {
    const lease = new Date(Date.now() + 60_000);
    await enqueueJobs(["busy:1", "busy:2", "busy:3", "free:1"].map((key) => ({ name: "work", key, installationId: key.startsWith("busy") ? 1 : 2 })));
    await JobModel.updateMany({ key: { $in: ["busy:1", "busy:2"] } }, { $set: { state: "running", workerId: "elsewhere", lockedUntil: lease } });
    const ran: string[] = [];

    await replicas(1, () => async (job) => void ran.push(job.key))[0]!.idle();

    expect(ran).toEqual(["free:1"]);
    expect(await JobModel.findOne({ key: "busy:3" }).lean()).toMatchObject({ state: "queued", attempts: 0, workerId: null });
  });

  it("hands its running jobs back at once when it stops (SIGTERM), for another replica to resume without waiting for the lease", async () => {
    await enqueueJob({ name: "work", key: "work:1", installationId: 1, payload: { checkpoint: "page 3" } });
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const [stopping] = replicas(1, () => async (_, signal) => {
      started();
      await new Promise((resolve) => signal.addEventListener("abort", resolve));
      throw signal.reason;
    });
    stopping!.start();
    await running;

    await stopping!.stop();

    expect(await JobModel.findOne({ key: "work:1" }).lean()).toMatchObject({ state: "queued", attempts: 0, workerId: null, lockedUntil: null });
    expect((await JobModel.findOne({ key: "work:1" }).lean())!.runAt.getTime()).toBeLessThanOrEqual(Date.now());
    const resumed: unknown[] = [];
    await replicas(1, () => async (job) => void resumed.push(job.payload))[0]!.idle();
    expect(resumed).toEqual([{ checkpoint: "page 3" }]);
  });
});
