import { describe, expect, it } from "vitest";
import { RateBudget, rateResourceOf } from "../../src/github/rate-budget.js";
import { RetryLater } from "../../src/jobs/worker.js";

const inAnHour = () => String(Math.ceil(Date.now() / 1000) + 3600);
const window = (resource: string, remaining: number) => ({
  "x-ratelimit-limit": "5000",
  "x-ratelimit-remaining": String(remaining),
  "x-ratelimit-reset": inAnHour(),
  "x-ratelimit-resource": resource,
});

describe("the rate budget", () => {
  it("tells GraphQL requests from REST ones by their URL", () => {
    expect(rateResourceOf("/graphql")).toBe("graphql");
    expect(rateResourceOf("https://ghe.example.com/api/graphql")).toBe("graphql");
    expect(rateResourceOf("/repos/acme/app/commits")).toBe("core");
  });

  it("postpones work on a resource whose window is nearly spent, and leaves the other resource alone", async () => {
    const budget = new RateBudget();
    budget.record(77, window("graphql", 10));
    budget.record(77, window("core", 4_000));

    await expect(budget.beforeRequest(77, "graphql")).rejects.toBeInstanceOf(RetryLater);
    await expect(budget.beforeRequest(77, "core")).resolves.toBeUndefined();
    await expect(budget.beforeRequest(78, "graphql")).resolves.toBeUndefined();
  });

  it("keeps the lowest remaining count of a window when answers arrive out of order", async () => {
    const budget = new RateBudget();
    budget.record(77, window("graphql", 10));
    budget.record(77, window("graphql", 4_000));

    await expect(budget.beforeRequest(77, "graphql")).rejects.toBeInstanceOf(RetryLater);
  });

  it("lets a query go only if the window holds what its operation cost last time, above the reserve, counting queries in flight", async () => {
    const budget = new RateBudget();
    const pullRequests = "query PullRequests($first: Int!) { rateLimit { cost } }";
    // 5 % of 5,000 is kept in reserve: 250.
    budget.record(77, window("graphql", 280), pullRequests, { data: { rateLimit: { cost: 20 } } });

    await expect(budget.beforeRequest(77, "graphql", pullRequests)).resolves.toBeUndefined();
    // 260 left once the first is counted: a second page of 20 would dip into the reserve; a query of 1 would not.
    await expect(budget.beforeRequest(77, "graphql", pullRequests)).rejects.toBeInstanceOf(RetryLater);
    const issues = "query Issues { rateLimit { cost } }";
    budget.record(77, window("graphql", 260), issues, { data: { rateLimit: { cost: 1 } } });
    await expect(budget.beforeRequest(77, "graphql", issues)).resolves.toBeUndefined();
    // An operation not sent yet is expected to cost as much as the dearest one seen.
    await expect(budget.expectedCost("graphql", "query Members { rateLimit { cost } }")).resolves.toBe(20);
  });
});
