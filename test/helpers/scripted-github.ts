import { createHash } from "node:crypto";
import { parse, type FieldNode, type OperationDefinitionNode, type VariableNode } from "graphql";
import nock from "nock";

/**
 * A small GitHub organization held in memory and served through nock, answering Tributary's GraphQL queries
 * (by operation name) with cursor pagination, so backfill tests can check "everything, exactly once".
 */

const DAY = 86_400_000;
const NOW = Date.now();
const ago = (days: number) => new Date(NOW - days * DAY).toISOString();
const user = (id: number) => ({ login: `user${id}`, databaseId: id });
const sha = (seed: string) => createHash("sha1").update(seed).digest("hex");

export interface ScriptedRepository {
  id: number;
  owner: string;
  name: string;
  commits: ReturnType<typeof commit>[];
  pullRequests: ReturnType<typeof pullRequest>[];
  issues: ReturnType<typeof issue>[];
}

function commit(repoId: number, i: number, daysAgo: number) {
  const actor = { name: `Dev ${i % 5}`, email: `dev${i % 5}@example.com`, date: ago(daysAgo), user: user(100 + (i % 5)) };
  return {
    oid: sha(`${repoId}-c${i}`),
    messageHeadline: `Commit ${i}`,
    additions: i,
    deletions: i % 7,
    changedFilesIfAvailable: 1 + (i % 3),
    parents: { totalCount: i % 10 === 0 ? 2 : 1 },
    author: actor,
    committer: actor,
  };
}

function pullRequest(repoId: number, number: number, daysAgo: number, reviews: number, commits: number) {
  const id = repoId * 1000 + number;
  return {
    id: `PR_${id}`,
    databaseId: id,
    number,
    title: `Pull request ${number}`,
    state: number % 3 === 0 ? "MERGED" : number % 3 === 1 ? "OPEN" : "CLOSED",
    isDraft: number % 5 === 0,
    createdAt: ago(daysAgo + 2),
    updatedAt: ago(daysAgo),
    closedAt: number % 3 === 1 ? null : ago(daysAgo),
    mergedAt: number % 3 === 0 ? ago(daysAgo) : null,
    // The 2 issue comments below, and one review comment per review.
    totalCommentsCount: 2 + reviews,
    author: user(100 + (number % 5)),
    mergedBy: number % 3 === 0 ? user(100) : null,
    baseRefName: "main",
    headRefName: `feature-${number}`,
    additions: 10 * number,
    deletions: number,
    changedFiles: 2,
    labels: { totalCount: 1, nodes: [{ name: "feature" }] },
    assignees: { nodes: [user(101)] },
    reviewRequests: { totalCount: 2, nodes: [{ requestedReviewer: user(102) }, { requestedReviewer: {} }] },
    comments: { totalCount: 2, nodes: [{ createdAt: ago(daysAgo + 1) }] },
    reviewThreads: { nodes: [{ comments: { nodes: [{ createdAt: ago(daysAgo + 1) }] } }] },
    // The latest ReadyForReviewEvent: none, opened ready for review.
    timelineItems: { nodes: [] as { createdAt: string }[] },
    allReviews: Array.from({ length: reviews }, (_, r) => ({
      databaseId: id * 1000 + r,
      state: r === 0 ? "APPROVED" : "COMMENTED",
      submittedAt: ago(daysAgo + 1),
      updatedAt: ago(daysAgo + 1),
      author: user(100 + (r % 5)),
    })),
    allCommits: Array.from({ length: commits }, (_, c) => ({
      commit: { oid: sha(`${id}-pc${c}`), authoredDate: ago(daysAgo + 2), author: { user: user(100 + (c % 5)) } },
    })),
  };
}

function issue(repoId: number, number: number, daysAgo: number) {
  const id = repoId * 1000 + 500 + number;
  return {
    id: `I_${id}`,
    databaseId: id,
    number,
    title: `Issue ${number}`,
    state: number % 2 ? "OPEN" : "CLOSED",
    stateReason: number % 2 ? null : "COMPLETED",
    createdAt: ago(daysAgo + 3),
    updatedAt: ago(daysAgo),
    closedAt: number % 2 ? null : ago(daysAgo),
    author: user(103),
    labels: { totalCount: 1, nodes: [{ name: "bug" }] },
    assignees: { nodes: [user(104)] },
    milestone: number % 4 === 0 ? { title: "v1" } : null,
    comments: { totalCount: number % 3 },
  };
}

/**
 * Two repositories. `alpha` has 30 pull requests (a third older than 90 days; one with 150 reviews and 120 commits,
 * one with 300 commits, past GitHub's 250 cap), 130 default-branch commits after a force-push rewrote history, and
 * issues of which #3 was transferred away and #4 deleted (GitHub no longer lists them). `beta` is small.
 */
export function scriptedOrganization(): ScriptedRepository[] {
  const alpha: ScriptedRepository = {
    id: 501,
    owner: "acme",
    name: "alpha",
    commits: Array.from({ length: 130 }, (_, i) => commit(501, i, i)),
    pullRequests: Array.from({ length: 30 }, (_, i) =>
      pullRequest(501, i + 1, i < 20 ? i * 3 : 100 + i, i === 0 ? 150 : 2, i === 0 ? 120 : i === 1 ? 300 : 3),
    ),
    issues: [1, 2, 5, 6, 7].map((n) => issue(501, n, n * 20)),
  };
  const beta: ScriptedRepository = {
    id: 502,
    owner: "acme",
    name: "beta",
    commits: Array.from({ length: 10 }, (_, i) => commit(502, i, i * 2)),
    pullRequests: [pullRequest(502, 1, 1, 1, 1), pullRequest(502, 2, 200, 0, 2)],
    issues: [1, 2, 3].map((n) => issue(502, n, n)),
  };
  return [alpha, beta];
}

/** A small repository like beta (2 pull requests, 10 commits, 3 issues), under another id and name. */
export function smallRepository(id: number, name: string): ScriptedRepository {
  return {
    id,
    owner: "acme",
    name,
    commits: Array.from({ length: 10 }, (_, i) => commit(id, i, i * 2)),
    pullRequests: [pullRequest(id, 1, 1, 1, 1), pullRequest(id, 2, 200, 0, 2)],
    issues: [1, 2, 3].map((n) => issue(id, n, n)),
  };
}

/** A pull request of the scripted shape with that many reviews (each with one review comment) and commits. */
export const scriptedPullRequest = (repositoryId: number, number: number, reviews: number, commits: number) => pullRequest(repositoryId, number, 1, reviews, commits);

const encode = (offset: number) => Buffer.from(`cursor:${offset}`).toString("base64");
const decode = (cursor: string | null | undefined) => (cursor ? Number(Buffer.from(cursor, "base64").toString().split(":")[1]) : 0);

function page<N>(all: N[], first: number, after: string | null | undefined) {
  const start = decode(after);
  const nodes = all.slice(start, start + first);
  const end = start + nodes.length;
  return { totalCount: all.length, pageInfo: { hasNextPage: end < all.length, endCursor: encode(end) }, nodes };
}

type PullRequestData = ReturnType<typeof pullRequest>;

/** GitHub lists a pull request's first 250 commits only, while totalCount still tells the real number. */
function capped(commits: PullRequestData["allCommits"], after: string | null, first = 100) {
  return { ...page(commits.slice(0, 250), first, after), totalCount: commits.length };
}

/** A pull request as a page lists it: the first `lists` of its reviews and commits. */
function withFirstPages({ allReviews, allCommits, ...rest }: PullRequestData, lists = 100) {
  return { ...rest, reviews: page(allReviews, lists, null), commits: capped(allCommits, null, lists) };
}

const byNewest = <N extends { updatedAt: string }>(nodes: N[]) => [...nodes].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));

export interface GraphQLCall {
  operation: string;
  variables: Record<string, unknown>;
  query: string;
}

/**
 * What a test wants GitHub to do for the n-th call of an operation (counted from 1): answer with another status,
 * body and headers, and/or only after a delay. Undefined answers normally.
 */
export type Fault = (
  call: GraphQLCall,
  nth: number,
) => { status?: number; body?: object; headers?: Record<string, string>; delayMs?: number } | undefined;

/**
 * Serves the organization's GraphQL API on api.github.com for as long as the test runs. Every call is recorded in
 * `calls`, so tests can say exactly what was asked.
 */
/** The points the scripted GitHub reports each operation cost (`rateLimit { cost }`), as GitHub reports its own. */
export const SCRIPTED_COST: Record<string, number> = { FirstPages: 4, PullRequests: 7, PullRequestReviews: 2, PullRequestCommits: 2, RepositoryCommits: 1, Issues: 3, OrganizationMembers: 1 };

export function serveGraphQL(repositories: ScriptedRepository[], fault: Fault = () => undefined) {
  const calls: GraphQLCall[] = [];
  const counts = new Map<string, number>();
  const findRepo = (vars: Record<string, unknown>) => repositories.find((r) => r.owner === vars.owner && r.name === vars.name)!;
  const findPullRequest = (id: unknown) => repositories.flatMap((r) => r.pullRequests).find((pr) => pr.id === id)!;

  type Vars = Record<string, unknown>;
  const pullRequestsOf = (vars: Vars) => {
    const connection = page(byNewest(findRepo(vars).pullRequests), vars.first as number, vars.after as string);
    return { ...connection, nodes: connection.nodes.map((pr) => withFirstPages(pr, (vars.lists as number | undefined) ?? 100)) };
  };
  const repositoryOf = (vars: Vars) => {
    const repo = findRepo(vars);
    const since = vars.since ? new Date(vars.since as string) : null;
    const commits = repo.commits.filter((c) => !since || new Date(c.committer.date) >= since);
    return {
      databaseId: repo.id,
      name: repo.name,
      nameWithOwner: `${repo.owner}/${repo.name}`,
      visibility: "PRIVATE",
      isArchived: false,
      isFork: false,
      createdAt: ago(400),
      pushedAt: ago(0),
      updatedAt: ago(1),
      primaryLanguage: { name: "TypeScript" },
      repositoryTopics: { totalCount: 1, nodes: [{ topic: { name: "analytics" } }] },
      defaultBranchRef: { name: "main", target: { history: page(commits, (vars.first as number | undefined) ?? 100, vars.after as string) } },
    };
  };
  const issuesOf = (vars: Vars) => {
    const since = vars.since ? new Date(vars.since as string) : null;
    const issues = byNewest(findRepo(vars).issues).filter((i) => !since || new Date(i.updatedAt) >= since);
    return page(issues, vars.first as number, vars.after as string);
  };
  /** Several repositories' first pages (src/backfill/first-pages.ts): each alias's services, at the query's sizes. */
  const firstPagesOf = (vars: Vars, query: string) => {
    const size = (field: string) => Number(new RegExp(`${field}\\(first: (\\d+)`).exec(query)![1]);
    const operation = parse(query).definitions[0] as OperationDefinitionNode;
    const repositories = (operation.selectionSet.selections as FieldNode[]).filter((field) => field.name.value === "repository");
    return Object.fromEntries(
      repositories.map((field) => {
        const variable = (name: string) => vars[(field.arguments!.find((arg) => arg.name.value === name)!.value as VariableNode).name.value];
        const at = { owner: variable("owner"), name: variable("name"), after: null, since: null };
        const asked = new Set((field.selectionSet!.selections as FieldNode[]).map((selection) => selection.name.value));
        const answer = {
          ...(asked.has("defaultBranchRef") && repositoryOf({ ...at, first: size("history") })),
          ...(asked.has("pullRequests") && { pullRequests: pullRequestsOf({ ...at, first: size("pullRequests"), lists: size("reviews") }) }),
          ...(asked.has("issues") && { issues: issuesOf({ ...at, first: size("issues") }) }),
        };
        return [field.alias!.value, answer];
      }),
    );
  };

  const resolvers: Record<string, (vars: Vars, query: string) => object> = {
    PullRequests: (vars) => ({ repository: { pullRequests: pullRequestsOf(vars) } }),
    PullRequestReviews: (vars) => ({ node: { reviews: page(findPullRequest(vars.id).allReviews, 100, vars.after as string) } }),
    PullRequestCommits: (vars) => ({ node: { commits: capped(findPullRequest(vars.id).allCommits, vars.after as string) } }),
    RepositoryCommits: (vars) => ({ repository: repositoryOf({ ...vars, first: 100 }) }),
    Issues: (vars) => ({ repository: { issues: issuesOf(vars) } }),
    FirstPages: firstPagesOf,
    OrganizationMembers: (vars) => ({
      organization: {
        membersWithRole: {
          ...page([0, 1, 2, 3, 4].map((i) => ({ role: i === 0 ? "ADMIN" : "MEMBER", node: user(100 + i) })), 100, vars.after as string),
          edges: [0, 1, 2, 3, 4].map((i) => ({ role: i === 0 ? "ADMIN" : "MEMBER", node: user(100 + i) })),
        },
      },
    }),
  };

  nock("https://api.github.com")
    .persist()
    .post("/graphql")
    .reply(async (request) => {
      const { query, variables = {} } = (await request.json()) as { query: string; variables?: Record<string, unknown> };
      const operation = /query (\w+)/.exec(query)?.[1] ?? "unknown";
      const call = { operation, variables, query };
      calls.push(call);
      const nth = (counts.get(operation) ?? 0) + 1;
      counts.set(operation, nth);
      const failure = fault(call, nth);
      if (failure?.delayMs) await new Promise((resolve) => setTimeout(resolve, failure.delayMs));
      if (failure?.status) return [failure.status, failure.body ?? { message: "Bad Gateway" }, failure.headers ?? {}] as const;
      return [200, { data: { rateLimit: { cost: SCRIPTED_COST[operation] }, ...resolvers[operation]!(variables, query) } }] as const;
    });
  return { calls };
}

export function mockInstallationToken(installationId: number) {
  nock("https://api.github.com")
    .post(`/app/installations/${installationId}/access_tokens`)
    .reply(201, { token: `token-${installationId}`, expires_at: new Date(NOW + 3_600_000).toISOString() });
}

/** The scripted organization's content, as it must end up stored: every record exactly once. */
export const SCRIPTED_TOTALS = {
  pullRequests: 32,
  reviews: 150 + 29 * 2 + 1,
  commits: 140,
  tickets: 8,
  members: 5,
};

/**
 * GitHub's answer to the change probe (the most recently updated issue or pull request of a repository): the same
 * ETag while nothing changes, so a conditional request gets 304. Returns the requests' If-None-Match headers.
 */
export function serveChangeProbes(repositories: ScriptedRepository[], times: number) {
  const conditional: Array<string | null> = [];
  for (const repo of repositories) {
    nock("https://api.github.com")
      .get(`/repos/${repo.owner}/${repo.name}/issues`)
      .query(true)
      .times(times)
      .reply((request) => {
        const ifNoneMatch = request.headers.get("if-none-match");
        conditional.push(ifNoneMatch);
        const etag = `"${repo.name}-v1"`;
        return ifNoneMatch === etag ? ([304, ""] as const) : ([200, [], { etag }] as const);
      });
  }
  return { conditional };
}
