import { validate } from "@octokit/graphql-schema";
import { getOperationAST, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { AdaptivePageSize } from "../../src/backfill/adaptive-page-size.js";
import { ALL_QUERIES } from "../../src/backfill/queries.js";
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
    const { max } = new AdaptivePageSize();
    const cost = analyzeQuery(githubSchema(), operation, {}, { owner: "acme", name: "api", first: max }, 500_000, "per-parent");
    // The page itself, then labels, assignees, review requests, comments, review threads and their first comment,
    // reviews and commits for each pull request: 4 points for 50, where a count under each review made it 54.
    expect(cost).toMatchObject({ requests: 1 + 8 * max, countOnlyRequests: 0, costs: { "per-parent": 4, free: 4 } });
  });
});
