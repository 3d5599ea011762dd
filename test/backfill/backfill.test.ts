import { pino } from "pino";
import { beforeEach, describe, expect, it } from "vitest";
import { switchService } from "../../src/backfill/control.js";
import { backfillJobHandlers } from "../../src/backfill/jobs.js";
import { RateBudget } from "../../src/github/rate-budget.js";
import { Worker } from "../../src/jobs/worker.js";
import { CommitModel } from "../../src/storage/models/commit.js";
import { ImportStatusModel } from "../../src/storage/models/import-status.js";
import { JobModel } from "../../src/storage/models/job.js";
import { PullRequestModel } from "../../src/storage/models/pull-request.js";
import { ReviewModel } from "../../src/storage/models/review.js";
import { TicketModel } from "../../src/storage/models/ticket.js";
import { countStoredByRepository } from "../../src/storage/stored-counts.js";
import { clearDatabase } from "../helpers/database.js";
import { installOrganization } from "../helpers/installation.js";
import { createTestProbot } from "../helpers/probot.js";
import { storedRepository } from "../helpers/records.js";
import { expectScriptedOrganizationStored } from "../helpers/stored-organization.js";
import { SCRIPTED_COST, mockInstallationToken, scriptedOrganization, serveChangeProbes, serveGraphQL, type Fault, type GraphQLCall } from "../helpers/scripted-github.js";

const INSTALLATION = 77;
const silent = pino({ level: "silent" });
let probot = createTestProbot();

function createWorker(options: { leaseMs?: number } = {}) {
  // One job at a time makes the order of requests part of the specification (recent history first).
  return new Worker({ handlers: backfillJobHandlers({ probot, budget: new RateBudget(), log: silent }), log: silent, concurrency: 1, pollMs: 10, ...options });
}

async function installAndBackfill(fault?: Fault) {
  const org = scriptedOrganization();
  mockInstallationToken(INSTALLATION);
  const github = serveGraphQL(org, fault);
  await installOrganization(probot, INSTALLATION, "acme", org);
  return { org, github };
}

const count = (calls: GraphQLCall[], operation: string) => calls.filter((call) => call.operation === operation).length;

/** What the import statuses recorded as spent of GitHub's budgets, summed by service. */
async function spentByService(): Promise<Record<string, { graphqlPoints: number; restRequests: number }>> {
  const spent: Record<string, { graphqlPoints: number; restRequests: number }> = {};
  for (const status of await ImportStatusModel.find().lean()) {
    const total = (spent[status.service] ??= { graphqlPoints: 0, restRequests: 0 });
    total.graphqlPoints += status.spent?.graphqlPoints ?? 0;
    total.restRequests += status.spent?.restRequests ?? 0;
  }
  return spent;
}

async function expectEverythingStoredOnce() {
  await expectScriptedOrganizationStored();
  // #3 was transferred away and #4 deleted: GitHub no longer lists them in alpha.
  expect((await TicketModel.find({ repositoryId: 501 }).lean()).map((t) => t.number).sort()).toEqual([1, 2, 5, 6, 7]);
}

beforeEach(async () => {
  await clearDatabase();
  probot = createTestProbot();
});

describe("backfill on installation", () => {
  it("imports every enabled service's history exactly once, recent history of every repository first", async () => {
    const { github } = await installAndBackfill();
    await createWorker().idle();

    await expectEverythingStoredOnce();
    const busy = await PullRequestModel.findOne({ repositoryId: 501, number: 1 }).lean();
    expect(busy).toMatchObject({ commitsCount: 120, commitsComplete: true, reviewCommentsCount: 150, state: "open" });
    expect(busy?.commits).toHaveLength(120);
    expect(await ReviewModel.countDocuments({ pullRequestId: busy?.githubId })).toBe(150);
    const capped = await PullRequestModel.findOne({ repositoryId: 501, number: 2 }).lean();
    expect(capped).toMatchObject({ commitsCount: 300, commitsComplete: false });
    expect(capped?.commits).toHaveLength(250);
    expect(await storedRepository(501)).toMatchObject({ language: "TypeScript", topics: ["analytics"], defaultBranch: "main", visibility: "private" });
    expect(await CommitModel.countDocuments({ isMerge: true })).toBe(14);

    const stored = await countStoredByRepository([501, 502]);
    expect(stored.get(501)).toEqual({ commits: 130, pullRequests: 30, reviews: 150 + 29 * 2, tickets: 5 });
    expect(stored.get(502)).toEqual({ commits: 10, pullRequests: 2, reviews: 1, tickets: 3 });

    const statuses = await ImportStatusModel.find().lean();
    expect(statuses).toHaveLength(6);
    expect(statuses.every((s) => s.state === "done" && s.lastSyncedAt && s.error === null)).toBe(true);
    // The pages' counts, kept as records were written, agree with the collections.
    for (const repositoryId of [501, 502]) {
      const kept = statuses.filter((s) => s.repositoryId === repositoryId).map((s) => s.stored);
      const sum = (kind: "commits" | "pullRequests" | "reviews" | "tickets") => kept.reduce((total, counts) => total + (counts?.[kind] ?? 0), 0);
      expect({ commits: sum("commits"), pullRequests: sum("pullRequests"), reviews: sum("reviews"), tickets: sum("tickets") }).toEqual(stored.get(repositoryId));
    }

    // Both repositories' first pages come in one query. Beta's three services and alpha's five issues are whole in
    // it, and stored from it; alpha's pull requests and commits are more than a first page, and are read by jobs of
    // their own, a request per page: 25 + 5 pull requests, nested lists continued past 100 (reviews of #1, commits of
    // #1 and #2 up to GitHub's 250 cap), 100 commits a page. Members come in one page.
    expect(count(github.calls, "FirstPages")).toBe(1);
    expect(count(github.calls, "PullRequests")).toBe(2);
    expect(count(github.calls, "PullRequestReviews")).toBe(1);
    expect(count(github.calls, "PullRequestCommits")).toBe(3);
    expect(count(github.calls, "RepositoryCommits")).toBe(2);
    expect(count(github.calls, "Issues")).toBe(0);
    expect(count(github.calls, "OrganizationMembers")).toBe(1);

    // Every query's points as GitHub reported them, counted against the service that asked (members have no status);
    // the first pages' query is shared equally by the six imports it read.
    const points = (...operations: string[]) => operations.reduce((sum, operation) => sum + count(github.calls, operation) * SCRIPTED_COST[operation]!, 0);
    const share = SCRIPTED_COST.FirstPages! / 6;
    const spent = await spentByService();
    const expected = {
      pullRequests: points("PullRequests", "PullRequestReviews", "PullRequestCommits") + 2 * share,
      repos: points("RepositoryCommits") + 2 * share,
      tickets: 2 * share,
    };
    for (const [service, graphqlPoints] of Object.entries(expected)) {
      expect(spent[service]!.graphqlPoints, service).toBeCloseTo(graphqlPoints, 9);
      expect(spent[service]!.restRequests, service).toBe(0);
    }

    const firstPages = github.calls.flatMap((call, i) => (call.variables.after === null && call.variables.owner ? [i] : []));
    const olderHistory = github.calls.flatMap((call, i) => (call.variables.after && call.variables.owner ? [i] : []));
    expect(Math.max(...firstPages)).toBeLessThan(Math.min(...olderHistory));
  });

  it("re-reads only what changed since the last sync, and nothing while GitHub answers 304", async () => {
    const { org, github } = await installAndBackfill();
    await createWorker().idle();
    const probes = serveChangeProbes(org, 2);
    const spentOnBackfill = await spentByService();

    const afterBackfill = github.calls.length;
    await switchService(INSTALLATION, "pullRequests", true);
    await createWorker().idle();
    // The first page of each repository reaches pull requests older than the last sync: nothing more to read. (What
    // changed within the overlap before it is read again with its nested lists: alpha's newest.)
    const pages = github.calls.slice(afterBackfill).filter((call) => call.operation === "PullRequests");
    expect(pages.map((call) => [call.variables.name, call.variables.after]).sort()).toEqual([["alpha", null], ["beta", null]]);

    const afterIncremental = github.calls.length;
    await switchService(INSTALLATION, "pullRequests", true);
    await createWorker().idle();
    expect(github.calls.length).toBe(afterIncremental);
    expect(probes.conditional).toEqual([null, null, '"alpha-v1"', '"beta-v1"']);
    await expectEverythingStoredOnce();
    // What each sync cost, as GitHub reported it: the points of the queries sent after the backfill, and the two
    // probes answered 200; the 304s that followed cost nothing.
    const pointsSince = github.calls.slice(afterBackfill).reduce((sum, call) => sum + SCRIPTED_COST[call.operation]!, 0);
    expect(await spentByService()).toEqual({
      ...spentOnBackfill,
      pullRequests: { graphqlPoints: spentOnBackfill.pullRequests!.graphqlPoints + pointsSince, restRequests: 2 },
    });
  });

  it("halves the pull request page after GitHub's query timeout (502) and still imports everything", async () => {
    const { github } = await installAndBackfill((call, nth) => (call.operation === "PullRequests" && nth === 1 ? { status: 502 } : undefined));
    await createWorker().idle();

    await expectEverythingStoredOnce();
    const pageSizes = (name: string) => github.calls.filter((call) => call.operation === "PullRequests" && call.variables.name === name).map((call) => call.variables.first);
    expect(pageSizes("alpha")).toEqual([25, 12, 12, 12]);
    // Beta's two pull requests came whole with the first pages.
    expect(pageSizes("beta")).toEqual([]);
  });

  it("finishes without duplicates after the worker is killed mid-backfill", async () => {
    let killed = false;
    let dead = false;
    const first = createWorker();
    const { github } = await installAndBackfill((call) => {
      // The process dies while alpha's older pull requests are being read: that request and any later one never land.
      if (!killed && call.operation === "PullRequests" && call.variables.after) killed = dead = true;
      if (!dead) return undefined;
      void first.stop();
      return { status: 500 };
    });
    await first.idle();
    dead = false;
    // What a killed process leaves behind: its job still marked running, with a lease nobody renews.
    await JobModel.updateMany({ state: { $in: ["running", "queued"] }, key: /pullRequests:501/ }, { state: "running", workerId: "dead", lockedUntil: new Date(Date.now() - 1) });

    await createWorker().idle();

    await expectEverythingStoredOnce();
    const alphaFirstPage = github.calls.filter((call) => call.operation === "PullRequests" && call.variables.owner === "acme" && call.variables.name === "alpha" && call.variables.after === null);
    expect(alphaFirstPage).toHaveLength(1);
  });
});

describe("services", () => {
  it("imports no tickets while the service is off, and backfills them when it is switched on", async () => {
    const org = scriptedOrganization();
    mockInstallationToken(INSTALLATION);
    const github = serveGraphQL(org);
    await installOrganization(probot, INSTALLATION, "acme", org);
    await switchService(INSTALLATION, "tickets", false);
    await createWorker().idle();

    expect(count(github.calls, "Issues")).toBe(0);
    expect(await TicketModel.countDocuments()).toBe(0);
    expect((await ImportStatusModel.find({ service: "tickets" }).lean()).map((s) => s.state)).toEqual(["stopped", "stopped"]);

    await switchService(INSTALLATION, "tickets", true);
    await createWorker().idle();

    expect(await TicketModel.countDocuments()).toBe(8);
    expect((await ImportStatusModel.find({ service: "tickets" }).lean()).map((s) => s.state)).toEqual(["done", "done"]);
  });
});
