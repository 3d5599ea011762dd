import type { StatsSnapshot } from "../tools/github-server/index.js";

/** API requests by what they were for; `other` is shared work (tokens, repository lists, members). */
export interface RequestsByService {
  pullRequests: number;
  tickets: number;
  commits: number;
  other: number;
  total: number;
}

type Purpose = Exclude<keyof RequestsByService, "other" | "total">;

/** Tributary's GraphQL operations (src/backfill/queries.ts). */
const OPERATIONS: Record<string, Purpose> = {
  PullRequests: "pullRequests",
  PullRequestReviews: "pullRequests",
  PullRequestCommits: "pullRequests",
  Issues: "tickets",
  RepositoryCommits: "commits",
};

/** The naive baseline's REST routes (bench/naive-rest.ts). */
const ROUTES: Record<string, Purpose> = {
  "GET /repos/{owner}/{repo}/pulls": "pullRequests",
  "GET /repos/{owner}/{repo}/pulls/{pull_number}": "pullRequests",
  "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews": "pullRequests",
  "GET /repos/{owner}/{repo}/pulls/{pull_number}/commits": "pullRequests",
  "GET /repos/{owner}/{repo}/issues": "tickets",
  "GET /repos/{owner}/{repo}/commits": "commits",
  "GET /repos/{owner}/{repo}/commits/{ref}": "commits",
};

/** Every request the server counted (GraphQL timeouts included: they cost a request too), by purpose. */
export function attributeRequests(stats: StatsSnapshot): RequestsByService {
  const counts = { pullRequests: 0, tickets: 0, commits: 0 };
  for (const [operation, queries] of Object.entries(stats.graphql.operations)) {
    const purpose = OPERATIONS[operation];
    if (purpose) counts[purpose] += queries;
  }
  for (const [route, requests] of Object.entries(stats.requests)) {
    const purpose = ROUTES[route];
    if (purpose) counts[purpose] += requests;
  }
  const attributed = counts.pullRequests + counts.tickets + counts.commits;
  return { ...counts, other: stats.totalRequests - attributed, total: stats.totalRequests };
}

/** Requests per 1,000 items, one decimal. */
export const per1000 = (requests: number, items: number) => (items === 0 ? 0 : Math.round((requests / items) * 10_000) / 10);
