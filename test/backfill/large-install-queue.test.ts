import mongoose from "mongoose";
import { pino } from "pino";
import { beforeEach, describe, expect, it } from "vitest";
import { BACKFILL_JOB, FIRST_PAGES_JOB, MEMBERS_JOB } from "../../src/backfill/control.js";
import { FIRST_PAGES_BATCH } from "../../src/backfill/queries.js";
import { Worker } from "../../src/jobs/worker.js";
import { claimJob } from "../../src/storage/jobs.js";
import { ImportStatusModel, SERVICES } from "../../src/storage/models/import-status.js";
import { JobModel } from "../../src/storage/models/job.js";
import { DEFAULT_ORG, GeneratedOrg } from "../../tools/github-server/org/generate.js";
import { clearDatabase } from "../helpers/database.js";
import { installOrganization } from "../helpers/installation.js";
import { createTestProbot } from "../helpers/probot.js";
import { queriesSentBy, queryPlan } from "../helpers/query-plan.js";

/*
 * An organization of thousands of repositories is installed in one go: its installation.created delivery queues a
 * job per repository and service, and the workers claim and finish them one by one. Neither may cost more per job
 * as the queue grows: queueing is a few batched statements whatever the count, and a claim reads through indexes
 * (see queue-query-plans.test.ts), so the statements each job costs stay the same from 200 to 2,000 repositories.
 * The jobs' handlers do nothing here: what is measured is the queue, not the imports. The organization was installed
 * before and its imports read (an uninstall keeps the data): each import is a job of its own. A first install reads
 * its imports' first pages ten repositories a job, which queues a tenth as many.
 */

const INSTALLATION = 7_001;
const silent = pino({ level: "silent" });

/** The local GitHub server's generated organization of that many small repositories (5 pull requests, 5 issues, 10 commits each). */
function organization(repos: number) {
  return new GeneratedOrg({ ...DEFAULT_ORG, seed: "many-repos", repos, pulls: 5 * repos, issues: 5 * repos, commits: 10 * repos, members: 20 });
}

/** Statements sent to the job queue's collection while `action` runs, by method (mongoose's debug hook sees each one). */
async function queueStatements(action: () => Promise<unknown>): Promise<{ total: number; byMethod: Record<string, number> }> {
  const queue = JobModel.collection.collectionName;
  const byMethod: Record<string, number> = {};
  let total = 0;
  mongoose.set("debug", (collection: string, method: string) => {
    if (collection !== queue) return;
    total += 1;
    byMethod[method] = (byMethod[method] ?? 0) + 1;
  });
  try {
    await action();
  } finally {
    mongoose.set("debug", false);
  }
  return { total, byMethod };
}

const noop = async () => {};
const worker = () => new Worker({ handlers: { [BACKFILL_JOB]: noop, [MEMBERS_JOB]: noop, [FIRST_PAGES_JOB]: noop }, log: silent, pollMs: 10 });

/** Imports read before, of these repositories: each next import of theirs is a job of its own. */
async function readBefore(repositoryIds: number[]) {
  const lastSyncedAt = new Date(Date.now() - 3_600_000);
  await ImportStatusModel.insertMany(
    repositoryIds.flatMap((repositoryId) => SERVICES.map((service) => ({ repositoryId, service, installationId: INSTALLATION, state: "done", lastSyncedAt }))),
  );
}

interface Install {
  jobs: number;
  queueing: { total: number; byMethod: Record<string, number> };
  running: { total: number; byMethod: Record<string, number> };
}

/** Installs the app on an organization of `repos` repositories, then runs every job it queued. */
async function installAndRun(repos: number, { firstInstall = false } = {}): Promise<Install> {
  await clearDatabase();
  const org = organization(repos);
  const repositories = org.org.repos.map((repo) => ({ id: repo.id, owner: org.org.login, name: repo.name, commits: [], pullRequests: [], issues: [] }));
  if (!firstInstall) await readBefore(repositories.map((repo) => repo.id));
  const queueing = await queueStatements(() => installOrganization(createTestProbot(), INSTALLATION, org.org.login, repositories));
  const jobs = await JobModel.countDocuments({ installationId: INSTALLATION, state: "queued" });
  const running = await queueStatements(() => worker().idle());
  expect(await JobModel.countDocuments({ installationId: INSTALLATION, state: { $ne: "done" } })).toBe(0);
  return { jobs, queueing, running };
}

/** What a worker finding nothing to do costs (its last look at the queue, once per run). */
async function emptyLook() {
  await clearDatabase();
  return (await queueStatements(() => worker().idle())).total;
}

beforeEach(clearDatabase);

describe("installing an organization of thousands of repositories", () => {
  it("queues, claims and finishes every job with the same number of queue statements per job at 200 and at 2,000 repositories", { timeout: 600_000 }, async () => {
    const look = await emptyLook();
    const small = await installAndRun(200);
    const large = await installAndRun(2_000);

    // A job per repository and service, and one for the members.
    expect(small.jobs).toBe(200 * 3 + 1);
    expect(large.jobs).toBe(2_000 * 3 + 1);
    // Queueing is the same few batched statements however many jobs: none of them is per job.
    expect(large.queueing).toEqual(small.queueing);
    expect(small.queueing.total).toBeLessThanOrEqual(5);
    // Running: each job costs the same five statements (which installations are busy, the claim's look for a lapsed
    // lease, its claim, its installation's running count, its completion), whatever waits behind it; beyond those,
    // the members job's lower priority costs one more look and the worker's last look at the empty queue a few.
    const PER_JOB = 5;
    const overhead = (install: Install) => install.running.total - PER_JOB * install.jobs;
    expect(overhead(small)).toBe(look + 1);
    expect(overhead(large)).toBe(overhead(small));
    expect(large.running.byMethod).toEqual({
      find: large.jobs + 1,
      findOneAndUpdate: 2 * large.jobs + 1 + (look - 1),
      countDocuments: large.jobs,
      updateOne: large.jobs,
    });
  });

  it("queues a first-pages job per ten repositories of a first install, in the same few statements at 200 and at 2,000 repositories", { timeout: 300_000 }, async () => {
    const small = await installAndRun(200, { firstInstall: true });
    const large = await installAndRun(2_000, { firstInstall: true });

    expect(small.jobs).toBe(200 / FIRST_PAGES_BATCH + 1);
    expect(large.jobs).toBe(2_000 / FIRST_PAGES_BATCH + 1);
    expect(large.queueing).toEqual(small.queueing);
    expect(large.running.total / large.jobs).toBeCloseTo(small.running.total / small.jobs, 0);
  });

  it("claims from a queue of 2,000 repositories' jobs through indexes alone, reading none of the waiting jobs in turn", { timeout: 120_000 }, async () => {
    const org = organization(2_000);
    const repositories = org.org.repos.map((repo) => ({ id: repo.id, owner: org.org.login, name: repo.name, commits: [], pullRequests: [], issues: [] }));
    await readBefore(repositories.map((repo) => repo.id));
    await installOrganization(createTestProbot(), INSTALLATION, org.org.login, repositories);
    expect(await JobModel.countDocuments({ name: BACKFILL_JOB })).toBe(2_000 * 3);

    const sent = await queriesSentBy(async () => {
      for (let i = 0; i < 5; i += 1) await claimJob({ workerId: "w", leaseMs: 60_000, excludeInstallations: [] });
    });

    expect(sent.length).toBeGreaterThan(0);
    for (const query of sent) {
      const plan = await queryPlan(query);
      expect(plan, JSON.stringify(query)).toMatchObject({ scansCollection: false, sorts: false });
      expect(plan.indexes).not.toEqual([]);
    }
  });
});
