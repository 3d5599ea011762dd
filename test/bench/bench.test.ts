import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { formatResults } from "../../bench/results.js";
import { runBench } from "../../bench/run-bench.js";
import { QUICK_PLAN, type BenchPlan } from "../../bench/sizes.js";
import { FIRST_PAGES_BATCH } from "../../src/backfill/queries.js";
import { currentDatabaseUri } from "../../tools/demo/database.js";
import { allowLoopback, loopbackFetch } from "../tools/github-server/helpers.js";

/** The quick plan's shape at a size CI runs in seconds; no latency (timing is not what this checks). */
const TINY: BenchPlan = {
  ...QUICK_PLAN,
  latencyMs: 0,
  timeoutDelayMs: 10,
  large: { repos: 2, pulls: 20, issues: 10, commits: 40, members: 6 },
  small: { repos: 1, pulls: 10, issues: 5, commits: 20, members: 6 },
  webhookDeliveries: 20,
  webhookRounds: 3,
  concurrency: 4,
  database: { sizes: [100, 300], samples: 5, settleSeconds: 0 },
  web: { sizes: [100, 1_000], samples: 3 },
  // The drill's scenarios have a suite of their own (test/faults): here one checks they are run and reported.
  faultScenarios: ["oversized-body"],
  quotaRun: { windows: 2, windowSeconds: 2 },
  scale: { replicaCounts: [1, 2], installations: 2, manyRepositories: [3, 6] },
};

describe("npm run bench, at a tiny size", () => {
  it("measures every figure of bench/results/latest.json through the real app", async () => {
    allowLoopback();
    const results = await runBench({
      plan: TINY,
      quick: true,
      mongodbUri: currentDatabaseUri(inject("mongoUri")),
      logDir: mkdtempSync(join(tmpdir(), "tributary-bench-")),
      print: () => {},
      fetch: loopbackFetch,
    });

    expect(results.requestsPer1000PRs.tributary).toBeGreaterThan(0);
    // The naive baseline spends at least three requests per pull request (detail, reviews, commits).
    expect(results.requestsPer1000PRs.naive).toBeGreaterThanOrEqual(3000);
    expect(results.requestsPer1000Commits.naive).toBeGreaterThan(results.requestsPer1000Commits.tributary);
    expect(results.requestsPer1000Issues.tributary).toBeGreaterThan(0);
    // GitHub's budgets: what the app recorded from the reported costs is what the server charged; the naive
    // baseline spends REST requests only; counting totalCount-only connections as free can only lower the points.
    const { small, naive } = results.quota;
    expect(small.recordedByApp).toEqual(small.perParent);
    expect(small.perParent.per1000.pullRequests.points).toBeGreaterThan(0);
    expect(small.countsFree.per1000.pullRequests.points).toBeLessThanOrEqual(small.perParent.per1000.pullRequests.points);
    expect(naive.per1000.pullRequests).toEqual({ points: 0, rest: results.requestsPer1000PRs.naive });
    expect(naive.hours.backfill).toBe(naive.hours.rest);
    // Under limits that bind, the large organization is stored whole, without a refusal, paced by its budget.
    expect(results.quota.compressedRun).toMatchObject({ complete: true, refused: { primary: 0, secondary: 0 } });
    expect(results.quota.compressedRun.predictedSeconds).toBeGreaterThan(0);
    expect(results.quota.compressedRun.seconds).toBeGreaterThanOrEqual(results.quota.compressedRun.predictedSeconds);
    expect(results.backfill.small.stored).toMatchObject({ pullRequests: 10, commits: 20 });
    expect(results.backfill.large.stored).toMatchObject({ pullRequests: 20, commits: 40 });
    expect(results.backfill.large.seconds).toBeGreaterThan(0);
    expect(results.webhooks).toMatchObject({ deliveries: 20, failed: 0, processed: 20, dead: 0 });
    expect(results.webhooks.ackP99Ms).toBeGreaterThan(0);
    // Three rounds of a burst and the raw yardsticks; the one reported is the median by processed ÷ raw upserts.
    expect(results.webhooks.rounds).toHaveLength(3);
    const ratios = results.webhooks.rounds.map(({ ofRaw }) => ofRaw).sort((a, b) => a - b);
    expect(results.webhooks.ofRaw).toBe(ratios[1]);
    expect(results.webhooks.rounds).toContainEqual(
      expect.objectContaining({ processedPerSec: results.webhooks.processedPerSec, rawUpsertsPerSec: results.webhooks.rawUpsertsPerSec, ofRaw: ratios[1] }),
    );
    // The app's first burst since its start is sent and shown, apart from the measured ones.
    expect(results.webhooks.firstBurst).toMatchObject({ failed: 0, dead: 0 });
    expect(results.webhooks.firstBurst.processedPerSec).toBeGreaterThan(0);
    // Measured to the end of each delivery's processing, not capped.
    expect(results.webhooks.processedP99Ms).toBeGreaterThanOrEqual(results.webhooks.processedP50Ms);
    expect(results.webhooks.processedP50Ms).toBeGreaterThan(0);
    // Processing holds back while a burst is stored: the inbox drains after the last answer, faster than end to end.
    expect(results.webhooks.endToEndPerSec).toBeGreaterThan(0);
    expect(results.webhooks.processedPerSec).toBeGreaterThan(results.webhooks.endToEndPerSec);
    expect(results.webhooks.rawUpsertsPerSec).toBeGreaterThan(0);
    expect(results.webhooks.rawDeliveryWritesPerSec).toBeGreaterThan(0);
    if (process.platform === "linux") {
      // The app is the bench's child; this suite's database is not (the test setup started it): it runs "elsewhere".
      expect(results.webhooks.cpu.answering).toMatchObject({ databaseMsPerItem: null });
      expect(results.webhooks.cpu.answering!.appMsPerItem).toBeGreaterThan(0);
      expect(results.webhooks.cpu.draining!.appMsPerItem).toBeGreaterThan(0);
      expect(results.webhooks.rawUpsertsCpu!.benchMsPerItem).toBeGreaterThan(0);
    }
    expect(results.faults).toMatchObject({ scenarios: 1, lost: 0, duplicated: 0, rolledBack: 0, appFailures: 0 });
    expect(results.memory.peakRssSmallMB).toBeGreaterThan(0);
    expect(results.memory.peakRssLargeMB).toBeGreaterThan(0);
    expect(results.memory.liveHeapLargeMB).toBeGreaterThan(0);
    expect(results.database).toMatchObject({ sizes: [100, 300], samples: 5, batchReadIds: 50, backfillPageSize: 50 });
    expect(results.database.fillSeconds).toHaveLength(2);
    expect(results.database.loadAverage).toHaveLength(2);
    // About 1.5 KB, like a typical pull request.
    expect(results.database.documentBytes).toBeGreaterThan(1200);
    expect(Object.keys(results.database.operations)).toEqual(["keyedRead", "guardedUpdate", "insert", "batchRead", "backfillPage", "backfillPerRecord"]);
    for (const figures of Object.values(results.database.operations)) {
      expect(figures.bySize).toHaveLength(2);
      expect(figures.bySize[1]!.p95Ms).toBeGreaterThan(0);
      expect(figures.growth.p50).toBeGreaterThan(0);
    }
    expect(results.database.operations.backfillPage.meetsTargets).toBeNull();
    // The repositories page and API were answered (signed in) at each size, for the same repositories.
    expect(results.web.sizes.map(({ records }) => records)).toEqual([100, 1_000]);
    expect(results.web.repositories).toBe(201);
    for (const { page, api } of results.web.sizes) expect(Math.min(page.p50Ms, api.p50Ms)).toBeGreaterThan(0);
    // The data API exported every record the large organization's backfill stored.
    const { stored } = results.backfill.large;
    expect(results.dataApi.records).toBe(stored.repositories + stored.pullRequests + stored.reviews + stored.commits + stored.tickets + stored.members);
    expect(results.dataApi.exportRecordsPerSec).toBeGreaterThan(0);
    // The Reports API answered at both sizes, for as many repositories as the small organization has, and for all.
    expect(results.reports.small.sameScope.repositories).toBe(1);
    expect(results.reports.large.sameScope.repositories).toBe(1);
    expect(results.reports.large.allRepositories.repositories).toBe(2);
    expect(results.reports.large.sameScope.p95Ms).toBeGreaterThan(0);
    expect(results.reports.growth).toBeGreaterThan(0);
    expect(formatResults(results)).toContain("Reports API");
    expect(formatResults(results)).toContain("Rounds, each a burst then the raw upserts right after it");
    // Scale: two installations stored whole by one and by two replicas; the many-repositories organizations'
    // requests per repository (GraphQL and REST), queue statements per job (counted inside the app) and memory.
    const { scale } = results;
    expect(scale.replicas.runs.map((run) => run.replicas)).toEqual([1, 2]);
    expect(scale.replicas.runs[1]!.items).toBe(scale.replicas.runs[0]!.items);
    expect(scale.replicas.runs[0]!.items).toBeGreaterThan(results.backfill.small.items);
    expect(scale.replicas.ratio).toBeGreaterThan(0);
    expect(scale.manyRepositories.runs.map((run) => run.repositories)).toEqual([3, 6]);
    for (const run of scale.manyRepositories.runs) {
      expect(run.requestsPerRepository.graphql).toBeGreaterThan(0);
      expect(run.requestsPerRepository.graphql + run.requestsPerRepository.rest).toBeCloseTo(run.requestsPerRepository.total, 1);
      // The first pages of ten repositories a query, then a job for each import a first page did not hold whole.
      expect(run.requestsPerRepository.byOperation).toHaveProperty("FirstPages");
      expect(run.jobs).toBeGreaterThanOrEqual(Math.ceil(run.repositories / FIRST_PAGES_BATCH) + 1);
      expect(run.queueStatementsPerJob.total).toBeGreaterThan(0);
      expect(run.queueStatementsPerJob.byMethod).toHaveProperty("findOneAndUpdate");
      expect(run.appPeakRssMB).toBeGreaterThan(0);
      expect(run.githubServerRssMB.peak).toBeGreaterThanOrEqual(run.githubServerRssMB.before);
    }
    expect(scale.manyRepositories.queueGrowth).toBeGreaterThan(0);
    expect(Object.keys(scale.met)).toEqual(["replicaRatio", "requestsPerRepository", "queueGrowth"]);
    expect(formatResults(results)).toContain("Scale (issue #15)");
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(formatResults(results)).toContain("naive ÷ Tributary");
    expect(formatResults(results)).toContain("hours of budget");
    expect(formatResults(results)).toContain("guarded update");
    expect(formatResults(results)).toContain("Web pages: the repositories page and its API");
  }, 360_000);
});
