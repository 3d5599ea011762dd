import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GitHubServer } from "../../../tools/github-server/index.js";
import type { Repo } from "../../../tools/github-server/org/model.js";
import { iso } from "../../../tools/github-server/rest/urls.js";
import { graphql } from "./helpers.js";
import { startInstalledServer } from "./installed-server.js";
import { ISSUES_QUERY, PULL_REQUESTS_QUERY, REPOSITORY_COMMITS_QUERY } from "../../../src/backfill/queries.js";

let server: GitHubServer;
let token: string;
let repo: Repo;
let owner: string;

beforeAll(async () => {
  ({ server, token, repo } = await startInstalledServer());
  owner = server.org.org.login;
});

afterAll(() => server.close());

const ACTOR = "login ... on User { databaseId }";
const PAGE_INFO = "pageInfo { hasNextPage endCursor }";

const PULL_FIELDS = `
  id databaseId number title state isDraft createdAt updatedAt closedAt mergedAt merged
  mergedBy { ${ACTOR} } author { ${ACTOR} }
  baseRefName headRefName additions deletions changedFiles
  labels(first: 10) { nodes { name } }
  assignees(first: 10) { nodes { login databaseId } }
  reviewRequests(first: 10) { nodes { requestedReviewer { ... on User { login databaseId } } } }
  reviews(first: 100, after: $reviewsAfter) { totalCount ${PAGE_INFO} nodes { databaseId state submittedAt updatedAt author { ${ACTOR} } } }
  commits(first: 100, after: $commitsAfter) { totalCount ${PAGE_INFO} nodes { commit { oid authoredDate author { user { login databaseId } } } } }
  comments(first: 100) { totalCount nodes { createdAt } }
  reviewThreads(first: 50) { totalCount nodes { comments(first: 10) { nodes { createdAt } } } }`;

const PULLS = `
  query Pulls($owner: String!, $name: String!, $after: String, $reviewsAfter: String, $commitsAfter: String) {
    repository(owner: $owner, name: $name) {
      pullRequests(first: 10, after: $after, states: [OPEN, CLOSED, MERGED], orderBy: { field: UPDATED_AT, direction: ASC }) {
        totalCount ${PAGE_INFO}
        nodes { ${PULL_FIELDS} }
      }
    }
    rateLimit { cost remaining resetAt limit nodeCount }
  }`;

const PULL_BY_ID = `
  query PullById($id: ID!, $reviewsAfter: String, $commitsAfter: String) {
    node(id: $id) { ... on PullRequest { ${PULL_FIELDS} } }
  }`;

const MEMBERS = `
  query Members($login: String!, $after: String) {
    organization(login: $login) {
      membersWithRole(first: 3, after: $after) { totalCount ${PAGE_INFO} edges { role node { login databaseId } } }
    }
  }`;

async function ok<T = any>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const answer = await graphql<T>(server, token, query, variables);
  expect(answer.status).toBe(200);
  expect(answer.body.errors).toBeUndefined();
  return answer.body.data!;
}

/** Follows a connection's cursors to the end. */
async function everyPage<T>(fetchPage: (after: string | null) => Promise<{ nodes: T[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }>) {
  const nodes: T[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await fetchPage(after);
    nodes.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return nodes;
    after = page.pageInfo.endCursor;
  }
}

describe("GraphQL against GitHub's schema", () => {
  it("pages through a default branch's history, and narrows it with since/until", async () => {
    const branch = server.org.branch(repo);
    const history = await everyPage(async (after) => (await ok(REPOSITORY_COMMITS_QUERY, { owner, name: repo.name, after })).repository.defaultBranchRef.target.history);
    expect(history.map((c: any) => c.oid)).toEqual(branch.map((c) => c.sha).toReversed());
    const since = new Date(branch[Math.floor(branch.length / 2)]!.committedAt).toISOString();
    const narrowed = await ok(REPOSITORY_COMMITS_QUERY, { owner, name: repo.name, since });
    expect(narrowed.repository.defaultBranchRef.target.history.totalCount).toBe(branch.length - Math.floor(branch.length / 2));
    expect(narrowed.repository.nameWithOwner).toBe(`${owner}/${repo.name}`);
  });

  it("pages through every pull request, continuing large reviews and commits from the PR's node id", async () => {
    const pulls = await everyPage(async (after) => (await ok(PULLS, { owner, name: repo.name, after })).repository.pullRequests);
    expect(pulls).toHaveLength(server.org.pulls(repo).length);
    const updated = pulls.map((p: any) => p.updatedAt);
    expect(updated).toEqual(updated.toSorted());

    const large = pulls.find((p: any) => p.reviews.totalCount > 100 && p.commits.totalCount > 250) as any;
    expect(large).toBeDefined();
    const reviews = await everyPage(async (after) => (await ok(PULL_BY_ID, { id: large.id, reviewsAfter: after })).node.reviews);
    const commits = await everyPage(async (after) => (await ok(PULL_BY_ID, { id: large.id, commitsAfter: after })).node.commits);
    expect(reviews).toHaveLength(large.reviews.totalCount);
    expect(commits).toHaveLength(large.commits.totalCount);
    expect(new Set(commits.map((c: any) => c.commit.oid)).size).toBe(commits.length);
    expect(pulls.some((p: any) => p.isDraft)).toBe(true);
    expect(new Set(pulls.map((p: any) => p.state))).toEqual(new Set(["OPEN", "CLOSED", "MERGED"]));
  });

  it("answers each pull request's latest ready-for-review event from its timeline, and no other kind of item", async () => {
    const pulls = server.org.org.repos.flatMap((r) => server.org.pulls(r).map((pull) => ({ pull, repo: r })));
    const twice = pulls.find(({ pull }) => pull.readyForReview.length === 2);
    expect(twice).toBeDefined();
    const { pull, repo: where } = twice!;
    const nodes = await everyPage(async (after) => (await ok(PULL_REQUESTS_QUERY, { owner, name: where.name, first: 49, after })).repository.pullRequests);
    expect(nodes.map((node: any) => [node.number, node.timelineItems.nodes])).toEqual(
      server.org.pulls(where).toSorted((a, b) => b.updatedAt - a.updatedAt || b.number - a.number).map((p) => [p.number, p.readyForReview.slice(-1).map((at) => ({ createdAt: iso(at) }))]),
    );
    const events = await ok(`query($id: ID!) { node(id: $id) { ... on PullRequest { timelineItems(itemTypes: [READY_FOR_REVIEW_EVENT], first: 10) { totalCount nodes { ... on ReadyForReviewEvent { createdAt actor { login } } } } } } }`, {
      id: (nodes as any[]).find((node) => node.number === pull.number).id,
    });
    expect(events.node.timelineItems).toEqual({ totalCount: 2, nodes: pull.readyForReview.map((at) => ({ createdAt: iso(at), actor: { login: pull.author!.login } })) });
    const others = await graphql(server, token, `{ repository(owner: "${owner}", name: "${where.name}") { pullRequest(number: ${pull.number}) { timelineItems(first: 1) { nodes { __typename } } } } }`);
    expect(others.body.errors?.[0]).toMatchObject({ type: "NOT_IMPLEMENTED" });
  });

  it("pages through issues (without pull requests), filtered by since", async () => {
    const issues = await everyPage(async (after) => (await ok(ISSUES_QUERY, { owner, name: repo.name, first: 50, after })).repository.issues);
    expect(issues).toHaveLength(server.org.issues(repo).length);
    const middle = (issues[Math.floor(issues.length / 2)] as any).updatedAt;
    const recent = await everyPage(async (after) => (await ok(ISSUES_QUERY, { owner, name: repo.name, first: 50, after, since: middle })).repository.issues);
    expect(recent.every((i: any) => i.updatedAt >= middle)).toBe(true);
    expect(recent.length).toBeLessThan(issues.length);
  });

  it("pages through organization members with their roles", async () => {
    const edges = await everyPage(async (after) => {
      const connection = (await ok(MEMBERS, { login: owner, after })).organization.membersWithRole;
      return { nodes: connection.edges, pageInfo: connection.pageInfo };
    });
    expect(edges).toHaveLength(server.org.org.members.length);
    expect(edges.filter((e: any) => e.role === "ADMIN")).toHaveLength(server.org.admins().length);
  });

  it("resolves node ids for repositories, pull requests and issues, and answers viewer and rateLimit", async () => {
    const ids = await ok(`query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) {
      id pullRequests(first: 1) { nodes { id } } issues(first: 1) { nodes { id } } } }`, { owner, name: repo.name });
    const wanted = [ids.repository.id, ids.repository.pullRequests.nodes[0].id, ids.repository.issues.nodes[0].id];
    const found = await ok(`query($ids: [ID!]!) {
      nodes(ids: $ids) { __typename id ... on Repository { name } ... on PullRequest { number } ... on Issue { number } }
      viewer { login }
      rateLimit { cost remaining resetAt limit nodeCount }
    }`, { ids: wanted });
    expect(found.nodes.map((n: any) => n.__typename)).toEqual(["Repository", "PullRequest", "Issue"]);
    expect(found.nodes.map((n: any) => n.id)).toEqual(wanted);
    expect(found.viewer.login).toBe("tributary[bot]");
    expect(found.rateLimit).toMatchObject({ cost: 1, limit: 5000, nodeCount: 3 });
  });

  it("resolves a renamed repository by its old name", async () => {
    const renamed = server.org.org.repos.find((r) => r.previousNames.length > 0)!;
    const data = await ok(`query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { name } }`, { owner, name: renamed.previousNames[0] });
    expect(data.repository.name).toBe(renamed.name);
  });

  it("resolves Actor as User or Bot", async () => {
    const data = await ok(`query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) {
      pullRequests(first: 100) { nodes { author { __typename login ... on User { databaseId } ... on Bot { databaseId } } } } } }`, { owner, name: repo.name });
    const types = new Set(data.repository.pullRequests.nodes.map((p: any) => p.author?.__typename).filter(Boolean));
    expect([...types].every((t) => t === "User" || t === "Bot")).toBe(true);
  });
});

describe("GraphQL errors and costs, as GitHub reports them", () => {
  it("answers invalid queries with errors and no data", async () => {
    const answer = await graphql(server, token, `{ repository(owner: "${owner}", name: "${repo.name}") { nope } }`);
    expect(answer.status).toBe(200);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors?.[0]?.message).toContain("nope");
  });

  it("answers an unknown repository with NOT_FOUND", async () => {
    const answer = await graphql(server, token, `{ repository(owner: "${owner}", name: "missing") { id } }`);
    expect(answer.body.errors?.[0]).toMatchObject({ type: "NOT_FOUND" });
    expect(answer.body.data).toEqual({ repository: null });
  });

  it("requires first or last on connections, at most 100", async () => {
    const missing = await graphql(server, token, `{ repository(owner: "${owner}", name: "${repo.name}") { pullRequests { nodes { id } } } }`);
    expect(missing.body.errors?.[0]?.message).toBe("You must provide a `first` or `last` value to properly paginate the `pullRequests` connection.");
    const tooMany = await graphql(server, token, `{ repository(owner: "${owner}", name: "${repo.name}") { pullRequests(first: 101) { totalCount } } }`);
    expect(tooMany.body.errors?.[0]?.message).toBe("Requesting 101 records on the `pullRequests` connection exceeds the `first` limit of 100 records.");
  });

  it("refuses queries over 500,000 nodes", async () => {
    const answer = await graphql(server, token, `{ repository(owner: "${owner}", name: "${repo.name}") { pullRequests(first: 100) { nodes {
      commits(first: 100) { nodes { commit { history(first: 100) { totalCount } } } } } } } }`);
    expect(answer.body.errors?.[0]).toMatchObject({ type: "MAX_NODE_LIMIT_EXCEEDED" });
  });

  it("costs a query the requests needed for its connections, divided by 100", async () => {
    // 1 request for the pull requests, 100 for their reviews, 100 for their commits: 201 requests, 2 points.
    const query = `{ rateLimit { cost nodeCount } repository(owner: "${owner}", name: "${repo.name}") { pullRequests(first: 100) { nodes {
      reviews(first: 50) { totalCount } commits(first: 100) { totalCount } } } } }`;
    const before = server.stats().graphql.cost;
    const answer = await graphql(server, token, query);
    expect(answer.body.data).toMatchObject({ rateLimit: { cost: 2, nodeCount: 100 + 5000 + 10000 } });
    expect(answer.headers["x-ratelimit-resource"]).toBe("graphql");
    expect(server.stats().graphql.cost - before).toBe(2);
  });

  it("costs a connection that selects only totalCount per parent, and records what it would cost if counts were free", async () => {
    // 1 request for the pull requests, 10 for their reviews, and 10 × 100 for the reviews' comment counts.
    const query = `query CountOnly { rateLimit { cost } repository(owner: "${owner}", name: "${repo.name}") { pullRequests(first: 10) { nodes {
      reviews(first: 100) { nodes { comments { totalCount } } } } } } }`;
    const before = server.stats().graphql;
    const answer = await graphql(server, token, query);
    expect(answer.body.data).toMatchObject({ rateLimit: { cost: 10 } });
    const after = server.stats().graphql;
    expect([after.costs["per-parent"] - before.costs["per-parent"], after.costs.free - before.costs.free]).toEqual([10, 1]);
    expect(after.operationCosts.CountOnly).toEqual({ "per-parent": 10, free: 1 });
  });
});

describe("with count-only connections free", () => {
  it("charges the query without them", async () => {
    const free = await startInstalledServer({ graphql: { countOnlyConnections: "free" } });
    try {
      const login = free.server.org.org.login;
      const answer = await graphql(free.server, free.token, `{ rateLimit { cost } repository(owner: "${login}", name: "${free.repo.name}") {
        pullRequests(first: 10) { nodes { reviews(first: 100) { nodes { comments { totalCount } } } } } } }`);
      expect(answer.body.data).toMatchObject({ rateLimit: { cost: 1 } });
      expect(free.server.stats().graphql.costs).toEqual({ "per-parent": 10, free: 1 });
    } finally {
      await free.server.close();
    }
  });
});
