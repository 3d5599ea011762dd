import { validate } from "@octokit/graphql-schema";
import { getOperationAST, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { AdaptivePageSize } from "../../src/backfill/adaptive-page-size.js";
import { ALL_QUERIES, FIRST_PAGES_BATCH, firstPagesQuery } from "../../src/backfill/queries.js";
import { analyzeQuery } from "../../tools/github-server/graphql/cost.js";
import { githubSchema } from "../../tools/github-server/graphql/schema.js";

const errorsOf = (query: string) => validate(query).map((error) => error.message);

describe("GraphQL queries", () => {
  it.each(Object.entries(ALL_QUERIES))("%s is valid against GitHub's published schema", (_name, query) => {
    expect(errorsOf(query)).toEqual([]);
  });

  it("would catch a field GitHub does not have", () => {
    const broken = ALL_QUERIES.PULL_REQUESTS_QUERY.replace("isDraft", "isDrafty");
    expect(errorsOf(broken)).toEqual([expect.stringContaining('Cannot query field "isDrafty"')]);
  });

  it("costs a page of pull requests one request per nested list and pull request under GitHub's formula, whichever way counts are charged", () => {
    const operation = getOperationAST(parse(ALL_QUERIES.PULL_REQUESTS_QUERY))!;
    const costAt = (first: number) => analyzeQuery(githubSchema(), operation, {}, { owner: "acme", name: "api", first }, 500_000, "per-parent");
    const { max } = new AdaptivePageSize();
    // The page itself, then labels, assignees, review requests, comments, review threads and their first comment,
    // reviews, commits and the latest ready-for-review event for each pull request: 4 points for 49, where a count
    // under each review made it 54.
    expect(max).toBe(49);
    expect(costAt(max)).toMatchObject({ requests: 1 + 9 * max, countOnlyRequests: 0, costs: { "per-parent": 4, free: 4 } });
    // One pull request more would round up to 5 points (451 requests): the largest page stops below it.
    expect(costAt(max + 1).cost).toBe(5);
    // The sizes the page grows through cost what they did before the ready-for-review event was read (8 lists).
    expect([25, 38].map((first) => [costAt(first).requests, costAt(first).cost])).toEqual([
      [1 + 9 * 25, 2],
      [1 + 9 * 38, 3],
    ]);
  });

  it("asks for one ready-for-review event per pull request, the latest: a node each, not a page", () => {
    const operation = getOperationAST(parse(ALL_QUERIES.PULL_REQUESTS_QUERY))!;
    const nodesAt = (query: string) =>
      analyzeQuery(githubSchema(), getOperationAST(parse(query))!, {}, { owner: "acme", name: "api", first: 10 }, 500_000, "per-parent").nodes;
    expect(ALL_QUERIES.PULL_REQUESTS_QUERY).toContain("timelineItems(itemTypes: [READY_FOR_REVIEW_EVENT], last: 1)");
    expect(analyzeQuery(githubSchema(), operation, {}, { owner: "acme", name: "api", first: 10 }, 500_000).nodes).toBe(
      nodesAt(ALL_QUERIES.PULL_REQUESTS_QUERY.replace(/timelineItems\([^)]*\) \{ nodes \{ [^}]*\} \} \}/, "")) + 10,
    );
  });

  it("asks a batch of first pages for no more nodes than a page of 33 pull requests, and under 2 points a repository", () => {
    const batch = Array.from({ length: FIRST_PAGES_BATCH }, () => ["repos", "pullRequests", "tickets"] as const);
    const variables = Object.fromEntries(batch.flatMap((_, i) => [[`owner${i}`, "acme"], [`name${i}`, `repo-${i}`]]));
    const costOf = (query: string, vars: Record<string, unknown>) => analyzeQuery(githubSchema(), getOperationAST(parse(query))!, {}, vars, 500_000, "per-parent");
    const batchCost = costOf(firstPagesQuery(batch.map((services) => [...services])), variables);
    expect(batchCost.nodes).toBeLessThanOrEqual(costOf(ALL_QUERIES.PULL_REQUESTS_QUERY, { owner: "acme", name: "api", first: 33 }).nodes);
    expect(batchCost.cost / FIRST_PAGES_BATCH).toBeLessThan(2);
  });
});
