import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { RateBudget } from "../../src/github/rate-budget.js";
import { RedisRateBudgetStore } from "../../src/github/rate-budget-redis.js";
import type { RateBudgetStore } from "../../src/github/rate-budget-store.js";
import { RetryLater } from "../../src/jobs/worker.js";
import { RateCostModel, RateWindowModel } from "../../src/storage/models/rate-budget.js";
import { DatabaseRateBudgetStore } from "../../src/storage/rate-budget.js";

// Time stands still in these tests: every replica reads this clock, and no test waits for a reset.
const NOW = new Date("2026-03-02T09:00:00Z");
const now = () => NOW;
const IN_AN_HOUR = String(NOW.getTime() / 1000 + 3600);
const window = (resource: string, remaining: number, limit = 5_000) => ({
  "x-ratelimit-limit": String(limit),
  "x-ratelimit-remaining": String(remaining),
  "x-ratelimit-reset": IN_AN_HOUR,
  "x-ratelimit-resource": resource,
});

let redis: Redis;
beforeAll(() => {
  redis = new Redis(inject("redisUrl"));
});
afterAll(async () => {
  await redis.quit();
});

const stores: [string, () => RateBudgetStore][] = [
  ["the database", () => new DatabaseRateBudgetStore()],
  // Each test its own key prefix on the run's redis-server.
  ["Redis", () => new RedisRateBudgetStore(redis, `test:${randomUUID()}:`)],
];

describe.each(stores)("a rate budget shared through %s", (_name, createStore) => {
  let store: RateBudgetStore;
  /** Two replicas: two budgets on one store, as two processes would have them. */
  let replicas: [RateBudget, RateBudget];

  beforeEach(async () => {
    await Promise.all([RateWindowModel.deleteMany({}), RateCostModel.deleteMany({})]);
    store = createStore();
    replicas = [new RateBudget({ store, now }), new RateBudget({ store, now })];
  });

  it("lets replicas spending from one window together take only what stays above the reserve", async () => {
    const [one, two] = replicas;
    // 5 % of 5,000 is kept in reserve: 250. 300 remaining leaves 50 requests between both replicas.
    await one.record(77, window("core", 300));
    const requests = Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? one : two).beforeRequest(77, "core"));
    const outcomes = await Promise.allSettled(requests);

    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(50);
    const refusals = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason] : []));
    expect(refusals).toHaveLength(10);
    for (const refusal of refusals) expect(refusal).toBeInstanceOf(RetryLater);
    // Spending nothing reads the window: exactly the reserve is left.
    expect(await store.spend("77:core", 0, NOW)).toMatchObject({ outcome: "spent", window: { remaining: 250 } });
  });

  it("shows what one replica records to the other: the window, and what each GraphQL operation cost", async () => {
    const [one, two] = replicas;
    const pullRequests = "query PullRequests($first: Int!) { rateLimit { cost } }";
    await one.record(77, window("graphql", 280), pullRequests, { data: { rateLimit: { cost: 20 } } });

    await expect(two.expectedCost("graphql", pullRequests)).resolves.toBe(20);
    await expect(two.expectedCost("graphql", "query Members { rateLimit { cost } }")).resolves.toBe(20);
    // 280 - 20 = 260 stays above the reserve once; the second page, from the other replica, would dip into it.
    await expect(two.beforeRequest(77, "graphql", pullRequests)).resolves.toBeUndefined();
    await expect(one.beforeRequest(77, "graphql", pullRequests)).rejects.toBeInstanceOf(RetryLater);
    await expect(one.beforeRequest(77, "core")).resolves.toBeUndefined();
    await expect(two.beforeRequest(78, "graphql", pullRequests)).resolves.toBeUndefined();
  });

  it("keeps the lowest remaining count of a window whichever replica's answer arrives last", async () => {
    const [one, two] = replicas;
    await one.record(77, window("graphql", 10));
    await two.record(77, window("graphql", 4_000));
    await expect(two.beforeRequest(77, "graphql")).rejects.toBeInstanceOf(RetryLater);

    // A new limit (GitHub granted more) is a new window: it replaces the old one.
    await two.record(77, window("graphql", 9_000, 10_000));
    await expect(one.beforeRequest(77, "graphql")).resolves.toBeUndefined();
  });

  it("postpones every replica's work once GitHub refused one of them", async () => {
    const [one, two] = replicas;
    await one.record(77, window("graphql", 4_000));
    const refusal = one.refused(77, "graphql");
    expect(refusal.at).toEqual(new Date(Number(IN_AN_HOUR) * 1000));
    await one.settled();

    const postponed = await two.beforeRequest(77, "graphql").catch((error: unknown) => error);
    expect(postponed).toBeInstanceOf(RetryLater);
    expect((postponed as RetryLater).at).toEqual(refusal.at);
  });

  it("forgets a window whose reset has come, for every replica", async () => {
    const [one] = replicas;
    await one.record(77, window("core", 10));
    const later = new RateBudget({ store, now: () => new Date(NOW.getTime() + 2 * 3_600_000) });

    await expect(later.beforeRequest(77, "core")).resolves.toBeUndefined();
    await expect(one.beforeRequest(77, "core")).resolves.toBeUndefined();
    await expect(store.spend("77:core", 1, NOW)).resolves.toEqual({ outcome: "unknown" });
  });
});
