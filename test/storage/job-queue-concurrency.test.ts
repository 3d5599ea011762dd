import { beforeEach, describe, expect, it } from "vitest";
import { claimJob, completeJob, enqueueJob, enqueueJobs, failJob, postponeJob } from "../../src/storage/jobs.js";
import { JOB_PRIORITIES, JobModel, type Job } from "../../src/storage/models/job.js";
import { clearDatabase } from "../helpers/database.js";
import { together } from "../helpers/contention.js";

/*
 * The queue under real contention on the test database: every racer is started before any is awaited, so their
 * commands reach the server at the same time. A database that applies an update as read → modify → replace
 * (FerretDB v1) lets two racers both "win" a document, or silently drops one racer's write: the exact counts and
 * states below are what such a database gets wrong.
 */

const LEASE_MS = 60_000;
const request = (key: string, installationId = 1) => ({ name: "work", key, installationId });

/** Claims jobs until the queue has none left for this worker; returns the jobs it got. */
async function claimUntilEmpty(workerId: string): Promise<Job[]> {
  const claimed: Job[] = [];
  const claim = () => claimJob({ workerId, leaseMs: LEASE_MS, excludeInstallations: [] });
  for (let job = await claim(); job; job = await claim()) claimed.push(job);
  return claimed;
}

/** Enqueues and claims each key, so each is running under `workerId`; returns the running jobs' ids by key. */
async function runningJobs(keys: string[], workerId: string): Promise<Map<string, unknown>> {
  await enqueueJobs(keys.map((key) => request(key)));
  const running = new Map((await claimUntilEmpty(workerId)).map((job) => [job.key, job._id]));
  expect([...running.keys()].sort()).toEqual([...keys].sort());
  return running;
}

beforeEach(clearDatabase);

describe("the job queue under contention", () => {
  it("gives each of 200 jobs to exactly one of 16 workers claiming at once", async () => {
    const keys = Array.from({ length: 200 }, (_, i) => `work:${i}`);
    await enqueueJobs(keys.map((key, i) => ({ ...request(key, i % 7), priority: JOB_PRIORITIES[i % JOB_PRIORITIES.length] })));

    const claimedByWorker = await together(16, (worker) => claimUntilEmpty(`worker-${worker}`));

    const claimed = claimedByWorker.flat().map((job) => job.key);
    expect(claimed).toHaveLength(200);
    expect(new Set(claimed).size).toBe(200);
    expect(await JobModel.countDocuments({ state: "running", attempts: 1 })).toBe(200);
  });

  it("queues each of 100 new jobs once when 4 callers queue the same batch at once", async () => {
    const keys = Array.from({ length: 100 }, (_, i) => `work:${i}`);

    await together(4, () => enqueueJobs(keys.map((key) => request(key))));

    expect(await JobModel.countDocuments({ state: "queued", attempts: 0 })).toBe(100);
    expect(await JobModel.countDocuments()).toBe(100);
  });

  // Each round ends a run of 20 jobs while the same 20 keys are enqueued again: whichever lands first, the request
  // that arrived during (or right after) the run must leave the job queued to run again.
  const endings = {
    completeJob: (id: unknown, workerId: string) => completeJob(id, workerId),
    "failJob with no retry left": (id: unknown, workerId: string) => failJob(id, workerId, "GitHub says no", null),
    "failJob with a retry": (id: unknown, workerId: string) => failJob(id, workerId, "GitHub says no", new Date(Date.now() + 60_000)),
    postponeJob: (id: unknown, workerId: string) => postponeJob(id, workerId, "rate limit", new Date(Date.now() + 60_000)),
  };

  it.each(Object.entries(endings))("never loses a rerun requested while %s ends the run", async (_, endRun) => {
    const keys = Array.from({ length: 20 }, (_, i) => `work:${i}`);
    for (let round = 0; round < 10; round += 1) {
      await clearDatabase();
      const running = await runningJobs(keys, "worker-a");

      await Promise.all(keys.flatMap((key) => [enqueueJob(request(key)), endRun(running.get(key), "worker-a")]));

      const jobs = await JobModel.find({}, { key: 1, state: 1, rerun: 1 }).lean();
      expect(jobs.map(({ key, state, rerun }) => ({ key, state, rerun })).sort((a, b) => a.key.localeCompare(b.key))).toEqual(
        [...keys].sort().map((key) => ({ key, state: "queued", rerun: false })),
      );
    }
  });

  it("keeps the earlier run time of a queued job: a later request never puts off due work, an earlier one brings it forward", async () => {
    const soon = new Date(Date.now() + 5_000);
    await enqueueJob({ ...request("refresh"), runAt: soon });
    await together(8, () => enqueueJob({ ...request("refresh"), runAt: new Date(Date.now() + 60_000) }));
    expect((await JobModel.findOne({ key: "refresh" }).lean())!.runAt).toEqual(soon);

    const now = new Date();
    await together(4, () => enqueueJobs([{ ...request("refresh"), runAt: now }, { ...request("other"), runAt: soon }]));
    expect((await JobModel.findOne({ key: "refresh" }).lean())!.runAt).toEqual(now);
    expect(await JobModel.countDocuments({})).toBe(2);
  });
});
