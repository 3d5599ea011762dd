import { pino } from "pino";
import { beforeEach, describe, expect, it } from "vitest";
import { RetryLater, Worker, type JobHandler } from "../../src/jobs/worker.js";
import { enqueueJob, enqueueJobs, FINISHED_JOB_RETENTION_MS, pruneFinishedJobs } from "../../src/storage/jobs.js";
import { JobModel } from "../../src/storage/models/job.js";
import { clearDatabase } from "../helpers/database.js";

const silent = pino({ level: "silent" });
const worker = (handler: JobHandler) => new Worker({ handlers: { work: handler }, log: silent, pollMs: 10 });
const job = (key = "work:1") => JobModel.findOne({ key }).lean();

beforeEach(clearDatabase);

describe("job queue and worker", () => {
  it("runs a job enqueued again while it runs once more afterwards, and a duplicate request only once", async () => {
    let runs = 0;
    await enqueueJob({ name: "work", key: "work:1", installationId: 1 });
    await enqueueJob({ name: "work", key: "work:1", installationId: 1 });
    await worker(async () => {
      runs += 1;
      if (runs === 1) await enqueueJob({ name: "work", key: "work:1", installationId: 1 });
    }).idle();

    expect(runs).toBe(2);
    expect(await job()).toMatchObject({ state: "done", rerun: false });
  });

  it("queues many jobs at once: new keys once each, a finished one again, a running one to run once more", async () => {
    const requests = ["work:done", "work:running", "work:new", "work:new"].map((key) => ({ name: "work", key, installationId: 1 }));
    await enqueueJobs(requests.slice(0, 2));
    await JobModel.updateOne({ key: "work:done" }, { state: "done" });
    await JobModel.updateOne({ key: "work:running" }, { state: "running", workerId: "other", lockedUntil: new Date(Date.now() + 60_000) });

    await enqueueJobs(requests);

    const jobs = await JobModel.find({}, { key: 1, state: 1, rerun: 1, attempts: 1, createdAt: 1 }).sort({ key: 1 }).lean();
    expect(jobs.map(({ key, state, rerun }) => [key, state, rerun])).toEqual([
      ["work:done", "queued", false],
      ["work:new", "queued", false],
      ["work:running", "running", true],
    ]);
    expect(jobs.every((stored) => stored.attempts === 0 && stored.createdAt instanceof Date)).toBe(true);
  });

  it("leaves a running job be when the request says its run covers it (a periodic sync), and still queues the rest", async () => {
    const requests = ["work:done", "work:running", "work:new"].map((key) => ({ name: "work", key, installationId: 1, payload: { from: "sync" } }));
    await enqueueJobs(requests.slice(0, 2).map((request) => ({ ...request, payload: { from: "install" } })));
    await JobModel.updateOne({ key: "work:done" }, { state: "done" });
    await JobModel.updateOne({ key: "work:running" }, { state: "running", workerId: "other", lockedUntil: new Date(Date.now() + 60_000) });

    await enqueueJobs(requests, "leave");

    const jobs = await JobModel.find({}, { key: 1, state: 1, rerun: 1, payload: 1 }).sort({ key: 1 }).lean();
    expect(jobs.map(({ key, state, rerun, payload }) => [key, state, rerun, payload])).toEqual([
      ["work:done", "queued", false, { from: "sync" }],
      ["work:new", "queued", false, { from: "sync" }],
      ["work:running", "running", false, { from: "install" }],
    ]);
  });

  it("postpones a job to the rate-limit reset without spending one of its attempts", async () => {
    const reset = new Date(Date.now() + 60_000);
    await enqueueJob({ name: "work", key: "work:1", installationId: 1 });
    await worker(async () => {
      throw new RetryLater("rate limit nearly used up", reset);
    }).idle();

    expect(await job()).toMatchObject({ state: "queued", attempts: 0, runAt: reset, lastError: "rate limit nearly used up" });
  });

  it("takes over a job whose worker died (its lease lapsed)", async () => {
    await enqueueJob({ name: "work", key: "work:1", installationId: 1 });
    await JobModel.updateOne({ key: "work:1" }, { state: "running", workerId: "dead", lockedUntil: new Date(Date.now() - 1) });
    let ran = false;
    await worker(async () => {
      ran = true;
    }).idle();

    expect(ran).toBe(true);
    expect(await job()).toMatchObject({ state: "done" });
  });

  it("fails a job for good once its attempts are used up, keeping the reason", async () => {
    await enqueueJob({ name: "work", key: "work:1", installationId: 1 });
    await JobModel.updateOne({ key: "work:1" }, { attempts: 5 });
    await worker(async () => {
      throw new Error("GitHub says no");
    }).idle();

    expect(await job()).toMatchObject({ state: "failed", lastError: "GitHub says no" });
  });

  it("forgets jobs finished before the retention, and keeps recent, queued and failed ones", async () => {
    await enqueueJobs(["old-done", "recent-done", "old-failed", "old-queued"].map((key) => ({ name: "work", key, installationId: 1 })));
    const longAgo = new Date(Date.now() - FINISHED_JOB_RETENTION_MS - 60_000);
    await JobModel.collection.updateMany({ key: { $in: ["old-done", "old-failed", "old-queued"] } }, { $set: { updatedAt: longAgo } });
    await JobModel.collection.updateMany({ key: { $in: ["old-done", "recent-done"] } }, { $set: { state: "done" } });
    await JobModel.collection.updateOne({ key: "old-failed" }, { $set: { state: "failed" } });

    expect(await pruneFinishedJobs()).toBe(1);
    expect((await JobModel.find({}, { key: 1 }).sort({ key: 1 }).lean()).map((stored) => stored.key)).toEqual(["old-failed", "old-queued", "recent-done"]);
  });
});
