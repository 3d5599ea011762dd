import { pino } from "pino";
import { beforeEach, describe, expect, it } from "vitest";
import { FIRST_PAGES_JOB, queueImports, stopService } from "../../src/backfill/control.js";
import { backfillJobHandlers } from "../../src/backfill/jobs.js";
import { FIRST_PAGES_BATCH } from "../../src/backfill/queries.js";
import { RateBudget } from "../../src/github/rate-budget.js";
import { Worker } from "../../src/jobs/worker.js";
import { setService } from "../../src/storage/integrations.js";
import { enqueueJob } from "../../src/storage/jobs.js";
import { ImportStatusModel } from "../../src/storage/models/import-status.js";
import { JobModel } from "../../src/storage/models/job.js";
import { PullRequestModel } from "../../src/storage/models/pull-request.js";
import { ReviewModel } from "../../src/storage/models/review.js";
import { countStoredByRepository } from "../../src/storage/stored-counts.js";
import { clearDatabase } from "../helpers/database.js";
import { installOrganization } from "../helpers/installation.js";
import { createTestProbot } from "../helpers/probot.js";
import { storedRepository } from "../helpers/records.js";
import { SCRIPTED_COST, mockInstallationToken, scriptedPullRequest, serveGraphQL, smallRepository } from "../helpers/scripted-github.js";

/*
 * A first install reads its repositories' first pages together, ten repositories a query: a service whose first page
 * is all its repository holds is stored and finished from it, any other is read by a job of its own.
 */

const INSTALLATION = 78;
const silent = pino({ level: "silent" });
let probot = createTestProbot();

const runJobs = () => new Worker({ handlers: backfillJobHandlers({ probot, budget: new RateBudget(), log: silent }), log: silent, concurrency: 1, pollMs: 10 }).idle();
const smallRepositories = (count: number) => Array.from({ length: count }, (_, i) => smallRepository(601 + i, `small-${i}`));
const operations = (calls: { operation: string }[]) => calls.map((call) => call.operation).filter((operation) => operation !== "OrganizationMembers");

beforeEach(async () => {
  await clearDatabase();
  probot = createTestProbot();
  mockInstallationToken(INSTALLATION);
});

describe("the first pages of a first install", () => {
  it("read small repositories whole, ten a query, and finish every import from them", async () => {
    const repositories = smallRepositories(12);
    const github = serveGraphQL(repositories);
    await installOrganization(probot, INSTALLATION, "acme", repositories);
    await runJobs();

    expect(operations(github.calls)).toEqual(["FirstPages", "FirstPages"]);
    // Each repository is two variables (owner and name).
    const repositoriesAsked = github.calls.filter((call) => call.operation === "FirstPages").map((call) => Object.keys(call.variables).length / 2);
    expect(repositoriesAsked.toSorted((a, b) => a - b)).toEqual([2, FIRST_PAGES_BATCH]);
    const stored = await countStoredByRepository(repositories.map((repo) => repo.id));
    for (const repo of repositories) expect(stored.get(repo.id), repo.name).toEqual({ commits: 10, pullRequests: 2, reviews: 1, tickets: 3 });
    expect(await storedRepository(601)).toMatchObject({ topics: ["analytics"], defaultBranch: "main", language: "TypeScript" });
    const statuses = await ImportStatusModel.find().lean();
    expect(statuses).toHaveLength(12 * 3);
    for (const status of statuses) {
      expect(status, `${status.service} of ${status.repositoryId}`).toMatchObject({ state: "done", mode: "full", error: null });
      expect(status.lastSyncedAt).toBeInstanceOf(Date);
    }
    // Each query's points, shared by the imports it read.
    const spent = statuses.reduce((sum, status) => sum + (status.spent?.graphqlPoints ?? 0), 0);
    expect(spent).toBeCloseTo(2 * SCRIPTED_COST.FirstPages!, 9);
  });

  it("read a service on its own whose first page cut a list short: a pull request's 21st review", async () => {
    const [busy, quiet] = smallRepositories(2);
    busy!.pullRequests.push(scriptedPullRequest(busy!.id, 3, 21, 1));
    const github = serveGraphQL([busy!, quiet!]);
    await installOrganization(probot, INSTALLATION, "acme", [busy!, quiet!]);
    await runJobs();

    expect(operations(github.calls)).toEqual(["FirstPages", "PullRequests"]);
    expect(github.calls[1]!.variables).toMatchObject({ name: busy!.name, after: null });
    expect(await ReviewModel.countDocuments({ pullRequestId: busy!.pullRequests[2]!.databaseId })).toBe(21);
    expect(await PullRequestModel.countDocuments({ repositoryId: busy!.id })).toBe(3);
    expect((await ImportStatusModel.find().lean()).map((status) => status.state)).toEqual(Array(6).fill("done"));
  });

  it("leave out a service switched off while they waited", async () => {
    const repositories = smallRepositories(2);
    const github = serveGraphQL(repositories);
    await installOrganization(probot, INSTALLATION, "acme", repositories);
    await setService(INSTALLATION, "tickets", false);
    await stopService(INSTALLATION, "tickets");
    await runJobs();

    expect(operations(github.calls)).toEqual(["FirstPages"]);
    expect(github.calls[0]!.query).toContain("pullRequests(");
    expect(github.calls[0]!.query).not.toContain("issues(");
    const statuses = await ImportStatusModel.find().lean();
    expect(statuses.filter((status) => status.service === "tickets").map((status) => status.state)).toEqual(["stopped", "stopped"]);
    expect(statuses.filter((status) => status.service !== "tickets").map((status) => status.state)).toEqual(Array(4).fill("done"));
    const stored = await countStoredByRepository(repositories.map((repo) => repo.id));
    expect(stored.get(601)).toMatchObject({ tickets: 0, pullRequests: 2 });
  });

  it("read nothing twice: run again (asked again while it ran, or after a crash), a job reads only what is still unread", async () => {
    const repositories = smallRepositories(3);
    const github = serveGraphQL(repositories);
    await installOrganization(probot, INSTALLATION, "acme", repositories);
    const [firstPages] = await JobModel.find({ name: FIRST_PAGES_JOB }).lean();
    // One repository's tickets were read by a job of their own meanwhile (a webhook's refresh, say).
    await queueImports(INSTALLATION, [{ repositoryId: 602, service: "tickets" }]);
    await JobModel.updateOne({ name: FIRST_PAGES_JOB }, { $set: { runAt: new Date(Date.now() + 60_000) } });
    await runJobs();
    expect(operations(github.calls)).toEqual(["Issues"]);

    await JobModel.updateOne({ name: FIRST_PAGES_JOB }, { $set: { runAt: new Date() } });
    await runJobs();
    expect(operations(github.calls)).toEqual(["Issues", "FirstPages"]);
    // Two repositories' issues: the third's were read.
    expect(github.calls.find((call) => call.operation === "FirstPages")!.query.match(/issues\(/g)).toHaveLength(2);

    await enqueueJob({ name: FIRST_PAGES_JOB, key: firstPages!.key, installationId: INSTALLATION, payload: firstPages!.payload as Record<string, unknown> });
    await runJobs();
    expect(operations(github.calls)).toEqual(["Issues", "FirstPages"]);
    expect((await ImportStatusModel.find().lean()).map((status) => status.state)).toEqual(Array(9).fill("done"));
  });
});
