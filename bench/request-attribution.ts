import type { StatsSnapshot } from "../tools/github-server/index.js";
import type { CountOnlyCharge } from "../tools/github-server/options.js";

/** API requests by what they were for; `other` is shared work (tokens, repository lists, members). */
export interface RequestsByService {
  pullRequests: number;
  tickets: number;
  commits: number;
  other: number;
  total: number;
}

export type Purpose = Exclude<keyof RequestsByService, "other" | "total">;
export const PURPOSES: readonly Purpose[] = ["pullRequests", "tickets", "commits"];

/** What a purpose cost of GitHub's two hourly budgets: GraphQL points and REST requests. */
export interface BudgetUse {
  points: number;
  rest: number;
}

/**
 * Tributary's GraphQL operations (src/backfill/queries.ts). A first install's FirstPages queries read every service
 * of several repositories at once: each is shared equally among the three.
 */
const OPERATIONS: Record<string, Purpose | readonly Purpose[]> = {
  FirstPages: PURPOSES,
  PullRequests: "pullRequests",
  PullRequestReviews: "pullRequests",
  PullRequestCommits: "pullRequests",
  Issues: "tickets",
  RepositoryCommits: "commits",
};

/** REST routes by purpose: the naive baseline's (bench/naive-rest.ts) and the app's change probes. */
const ROUTES: Record<string, Purpose> = {
  "GET /repos/{owner}/{repo}/pulls": "pullRequests",
  "GET /repos/{owner}/{repo}/pulls/{pull_number}": "pullRequests",
  "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews": "pullRequests",
  "GET /repos/{owner}/{repo}/pulls/{pull_number}/commits": "pullRequests",
  "GET /repos/{owner}/{repo}/issues": "tickets",
  "GET /repos/{owner}/{repo}/commits": "commits",
  "GET /repos/{owner}/{repo}/commits/{ref}": "commits",
};

const byPurpose = <T>(make: () => T): Record<Purpose, T> => ({ pullRequests: make(), tickets: make(), commits: make() });

/** The purposes an operation serves, each with its share of the operation. */
function sharesOf(operation: string): [Purpose, number][] {
  const purposes = OPERATIONS[operation];
  if (!purposes) return [];
  if (typeof purposes === "string") return [[purposes, 1]];
  return purposes.map((purpose) => [purpose, 1 / purposes.length]);
}

/** Every request the server counted (GraphQL timeouts included: they cost a request too), by purpose. */
export function attributeRequests(stats: StatsSnapshot): RequestsByService {
  const counts = byPurpose(() => 0);
  for (const [operation, queries] of Object.entries(stats.graphql.operations)) {
    for (const [purpose, share] of sharesOf(operation)) counts[purpose] += queries * share;
  }
  for (const [route, requests] of Object.entries(stats.requests)) {
    const purpose = ROUTES[route];
    if (purpose) counts[purpose] += requests;
  }
  const attributed = counts.pullRequests + counts.tickets + counts.commits;
  return { ...counts, other: stats.totalRequests - attributed, total: stats.totalRequests };
}

/**
 * What each purpose cost of the two budgets as the server charged it, reading count-only connections `charge`'s way;
 * REST requests answered 304 to a conditional request are free on GitHub, and not counted.
 */
export function attributeBudget(stats: StatsSnapshot, charge: CountOnlyCharge): Record<Purpose, BudgetUse> {
  const use = byPurpose<BudgetUse>(() => ({ points: 0, rest: 0 }));
  for (const [operation, costs] of Object.entries(stats.graphql.operationCosts)) {
    for (const [purpose, share] of sharesOf(operation)) use[purpose].points += costs[charge] * share;
  }
  for (const [route, requests] of Object.entries(stats.requests)) {
    const purpose = ROUTES[route];
    if (purpose) use[purpose].rest += requests - (stats.notModifiedRequests[route] ?? 0);
  }
  return use;
}

/** Requests per 1,000 items, one decimal. */
export const per1000 = (requests: number, items: number) => (items === 0 ? 0 : Math.round((requests / items) * 10_000) / 10);
