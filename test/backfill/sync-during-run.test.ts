import { beforeEach, describe, expect, it } from "vitest";
import { BACKFILL_JOB, requestBackfill, type BackfillPayload } from "../../src/backfill/control.js";
import { findImportStatus, markDone, markImporting } from "../../src/storage/import-statuses.js";
import { claimJob, completeJob } from "../../src/storage/jobs.js";
import { ImportStatusModel } from "../../src/storage/models/import-status.js";
import { JobModel } from "../../src/storage/models/job.js";
import type { Job } from "../../src/storage/models/job.js";
import { clearDatabase } from "../helpers/database.js";
import { installOrganization } from "../helpers/installation.js";
import { createTestProbot } from "../helpers/probot.js";
import { scriptedOrganization } from "../helpers/scripted-github.js";

/*
 * The periodic sync asks for every repository's import but leaves running ones be: the run covers it. A run that is
 * past its import — its status written done, its job not ended yet — covers nothing more, and the sync marks that
 * status pending: left be, the import would stay pending with no job to finish it (the backfill never ends).
 */

const INSTALLATION = 77;
const WORKER = "worker-1";

/** Claims a backfill job as a worker would, and starts its import. */
async function startRun(): Promise<{ job: Job; payload: BackfillPayload }> {
  let job: Job | null;
  do job = await claimJob({ workerId: WORKER, leaseMs: 60_000, excludeInstallations: [] });
  while (job && job.name !== BACKFILL_JOB);
  if (!job) throw new Error("no backfill job was queued");
  const payload = job.payload as BackfillPayload;
  await markImporting(payload.repositoryId, payload.service, { checkpoint: { phase: "recent", cursor: null, runStartedAt: new Date() }, mode: "full", processed: 0 });
  return { job, payload };
}

beforeEach(async () => {
  await clearDatabase();
  await installOrganization(createTestProbot(), INSTALLATION, "acme", scriptedOrganization());
  // Imports read once already: each later one is a job of its own (never-read ones start in first-pages jobs).
  await ImportStatusModel.updateMany({}, { $set: { lastSyncedAt: new Date(Date.now() - 3_600_000) } });
  await JobModel.deleteMany({});
  await requestBackfill(INSTALLATION);
});

describe("a periodic sync while an import runs", () => {
  it("leaves a run that is still importing be: the import ends done, with no second run", async () => {
    const { job, payload } = await startRun();

    await requestBackfill(INSTALLATION, { whileRunning: "leave" });
    await markDone(payload.repositoryId, payload.service, new Date(), 0);
    await completeJob(job._id, WORKER);

    expect(await findImportStatus(payload.repositoryId, payload.service)).toMatchObject({ state: "done" });
    expect(await JobModel.findById(job._id).lean()).toMatchObject({ state: "done" });
  });

  it("runs an import again whose run had written it done when the sync came, so its pending status is finished", async () => {
    const { job, payload } = await startRun();
    await markDone(payload.repositoryId, payload.service, new Date(), 0);

    await requestBackfill(INSTALLATION, { whileRunning: "leave" });
    await completeJob(job._id, WORKER);

    expect(await findImportStatus(payload.repositoryId, payload.service)).toMatchObject({ state: "pending" });
    expect(await JobModel.findById(job._id).lean()).toMatchObject({ state: "queued" });
  });
});
