import { validate } from "@octokit/graphql-schema";
import { describe, expect, it } from "vitest";
import { ALL_QUERIES } from "../../src/backfill/queries.js";

const errorsOf = (query: string) => validate(query).map((error) => error.message);

describe("GraphQL queries", () => {
  it.each(Object.entries(ALL_QUERIES))("%s is valid against GitHub's published schema", (_name, query) => {
    expect(errorsOf(query)).toEqual([]);
  });

  it("would catch a field GitHub does not have", () => {
    const broken = ALL_QUERIES.PULL_REQUESTS_QUERY.replace("isDraft", "isDrafty");
    expect(errorsOf(broken)).toEqual([expect.stringContaining('Cannot query field "isDrafty"')]);
  });
});
