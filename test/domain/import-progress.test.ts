import { describe, expect, it } from "vitest";
import { overallProgress, serviceActivity, type ProgressFields, type QueueFields } from "../../src/domain/import-progress.js";
import { pageOfRepositories, REPOSITORIES_PER_PAGE, repositoryImports } from "../../src/domain/repository-imports.js";

const NOW = new Date("2026-11-30T18:00:00Z");
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const status = (fields: Partial<ProgressFields>): ProgressFields => ({ service: "repos", state: "importing", mode: "full", processed: 0, ...fields });
const job = (fields: Partial<QueueFields>): QueueFields => ({ state: "queued", runAt: NOW, lastError: null, lockedUntil: null, leaseRenewedAt: null, ...fields });

describe("what an import is doing, as a person is told", () => {
  it("a full import counts against GitHub's total; an incremental sync counts changes, with no total", () => {
    expect(serviceActivity(status({ processed: 1775, expectedTotal: 6400 }), job({ state: "running", lockedUntil: at(55), leaseRenewedAt: at(-5) }), NOW)).toEqual({
      kind: "importing",
      processed: 1775,
      expectedTotal: 6400,
    });
    expect(serviceActivity(status({ mode: "incremental", processed: 1, expectedTotal: null }), undefined, NOW)).toEqual({ kind: "syncing", processed: 1 });
    expect(serviceActivity(status({ state: "done", mode: "incremental", processed: 1 }), undefined, NOW)).toEqual({ kind: "done", mode: "incremental", processed: 1 });
  });

  it("a running import whose worker stopped renewing its lease waits to resume when the lease expires", () => {
    // Claimed for 60 s, 40 s ago, never renewed (renewals come every 20 s): its process is gone.
    const orphaned = job({ state: "running", leaseRenewedAt: at(-40), lockedUntil: at(20) });
    expect(serviceActivity(status({ processed: 50 }), orphaned, NOW)).toEqual({ kind: "stalled", resumesAt: at(20) });
    // Renewed 25 s ago: still within two beats.
    expect(serviceActivity(status({ processed: 50 }), job({ state: "running", leaseRenewedAt: at(-25), lockedUntil: at(35) }), NOW).kind).toBe("importing");
  });

  it("a job postponed for GitHub's rate limit (or after a failed attempt) waits until then, with the reason", () => {
    const postponed = job({ runAt: at(600), lastError: "GitHub's GraphQL rate limit is spent" });
    expect(serviceActivity(status({ state: "importing", processed: 80, expectedTotal: 200 }), postponed, NOW)).toEqual({
      kind: "waiting",
      until: at(600),
      reason: "GitHub's GraphQL rate limit is spent",
    });
    // A refresh waiting for a burst of events to end is just queued for later.
    expect(serviceActivity(status({ state: "pending" }), job({ runAt: at(5) }), NOW)).toEqual({ kind: "queued", startsAt: at(5) });
    expect(serviceActivity(status({ state: "pending" }), job({}), NOW)).toEqual({ kind: "queued", startsAt: null });
  });
});

describe("an integration's overall progress", () => {
  it("sums the full imports, finished ones at what they read, and estimates the end from the pace so far", () => {
    const overall = overallProgress(
      [
        status({ state: "done", processed: 300, expectedTotal: 300 }),
        status({ state: "importing", processed: 100, expectedTotal: 500, startedAt: at(-60) }),
        status({ state: "pending", processed: 0 }),
        // An incremental sync is no import to wait for.
        status({ state: "importing", mode: "incremental", processed: 7, startedAt: at(-5) }),
      ],
      NOW,
    );
    // 100 read in 60 s; 400 left: 240 s more.
    expect(overall).toEqual({ processed: 400, total: 800, remainingImports: 2, estimatedEnd: at(240) });
  });

  it("is nothing once no full import is under way", () => {
    expect(overallProgress([status({ state: "done", processed: 3 }), status({ state: "importing", mode: "incremental", processed: 1 })], NOW)).toBeNull();
  });
});

describe("a page of repositories", () => {
  const repositories = Array.from({ length: 120 }, (_, index) => ({ githubId: index + 1, fullName: `acme/repo-${String(index).padStart(3, "0")}`, granted: true }));
  const statuses = repositories.map(({ githubId }) => ({ repositoryId: githubId, ...status({ state: githubId % 10 === 0 ? "failed" : "done", processed: 1 }) }));
  const imports = repositoryImports(repositories, statuses, ["repos"], { now: NOW });

  it("counts the searched repositories by state, then filters and cuts the list into pages", () => {
    const searched = pageOfRepositories(imports, { query: "REPO-0" });
    expect(searched.counts).toMatchObject({ done: 90, failed: 10 });
    expect(searched).toMatchObject({ total: 100, page: 1, pageCount: 2 });
    expect(searched.repositories).toHaveLength(REPOSITORIES_PER_PAGE);

    const failedSecondPage = pageOfRepositories(imports, { state: "failed", page: 2 });
    expect(failedSecondPage).toMatchObject({ total: 12, page: 1, pageCount: 1 });
    expect(failedSecondPage.counts).toMatchObject({ done: 108, failed: 12 });

    const last = pageOfRepositories(imports, { page: 3 });
    expect(last.repositories.map((repo) => repo.fullName)).toEqual(repositories.slice(100).map((repo) => repo.fullName));
  });
});
