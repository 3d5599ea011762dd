import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { GitHubServer } from "../../../tools/github-server/index.js";
import { OrgActivity } from "../../../tools/github-server/org/activity.js";
import { CACHED_CONTENTS, DEFAULT_ORG, GeneratedOrg } from "../../../tools/github-server/org/generate.js";
import { ids, MAX_REPOS, WIDE_REPOS } from "../../../tools/github-server/org/id-space.js";
import { allPages, call, specErrors } from "./helpers.js";
import { startInstalledServer } from "./installed-server.js";

/** An organization of thousands of small repositories: 2,000 × 5 pull requests, 5 issues and 10 commits. */
const MANY = { ...DEFAULT_ORG, seed: "many", repos: 2_000, pulls: 10_000, issues: 10_000, commits: 20_000, members: 30 };
const INT_MAX = 2 ** 31 - 1;

// Private, so reached by name: what is generated when.
const generateContent = () => vi.spyOn(GeneratedOrg.prototype as unknown as { generateContent: () => unknown }, "generateContent");

describe("an organization of thousands of repositories", () => {
  it("keeps the first 80 repositories' ids where they always were and gives the rest ids of their own that fit GraphQL's Int", () => {
    // The wide blocks of the first 80 are unchanged (tests and the bench's truth depend on them).
    expect([ids.pull(5, 3), ids.issue(5, 3), ids.firstReview(79), ids.firstComment(79), ids.firstReviewComment(79)]).toEqual([
      205_000_003, 305_000_003, 995_000_000, 1_395_000_000, 1_795_000_000,
    ]);
    const org = new GeneratedOrg(MANY);
    expect(org.org.repos).toHaveLength(2_000);
    const repos = [org.org.repos[0]!, org.org.repos[WIDE_REPOS - 1]!, ...org.org.repos.slice(WIDE_REPOS).filter((_, i) => i % 97 === 0), org.org.repos.at(-1)!];
    const taken = new Map<number, string>();
    const own = (id: number, what: string) => {
      expect(Number.isInteger(id) && id > 0 && id <= INT_MAX, `${what}: ${id}`).toBe(true);
      expect(taken.get(id), `${what} has the id of ${taken.get(id)}`).toBeUndefined();
      taken.set(id, what);
    };
    for (const repo of repos) {
      own(repo.id, `repository ${repo.index}`);
      for (const item of org.content(repo).items) {
        if (item.kind === "pull") own(item.issueId, `issue of pull ${repo.index}#${item.number}`);
        own(item.id, `${item.kind} ${repo.index}#${item.number}`);
        if (item.kind === "pull") {
          for (const review of org.reviews(item)) own(review.id, `review ${review.id}`);
          for (const comment of org.reviewComments(item)) own(comment.id, `review comment ${comment.id}`);
        }
        if (item.kind === "pull" || item.kind === "issue") for (const comment of org.comments(item)) own(comment.id, `comment ${comment.id}`);
      }
    }
    // The last repository allowed still fits.
    expect(ids.firstReviewComment(MAX_REPOS - 1) + 20_000).toBeLessThan(ids.firstActivity);
    expect(ids.issue(MAX_REPOS - 1, 18_000)).toBeLessThan(ids.pull(0, 0));
  });

  it("generates a repository's contents on first read only, the same whatever was read before", () => {
    const spy = generateContent();
    const org = new GeneratedOrg(MANY);
    expect(spy).not.toHaveBeenCalled();
    const last = org.org.repos.at(-1)!;
    const fresh = new GeneratedOrg(MANY);
    for (const repo of fresh.org.repos.slice(0, 300)) fresh.pulls(repo);
    const view = (o: GeneratedOrg) => JSON.stringify(o.pulls(o.org.repos.at(-1)!).map((p) => [p.id, p.title, o.commits(p).map((c) => c.sha)]));
    expect(view(fresh)).toBe(view(org));
    expect(org.pulls(last)).toHaveLength(last.planned.pulls);
    expect(org.findRepo(org.org.login, last.name)?.repo).toBe(last);
    spy.mockRestore();
  });

  it("keeps memory flat when every repository is read: the contents of the last few read stay, and those live activity changed", async () => {
    const org = new GeneratedOrg(MANY);
    const activity = new OrgActivity(org, () => Date.parse("2025-07-01T00:00:00Z"));
    const [first, opened, pushed] = [org.org.repos[0]!, org.org.repos[WIDE_REPOS + 1]!, org.org.repos[WIDE_REPOS + 2]!];
    const view = (repo = first) => JSON.stringify([org.pulls(repo).map((p) => [p.id, p.title, org.commits(p).map((c) => c.sha), org.reviews(p).map((r) => r.id)]), org.branch(repo).map((c) => c.sha)]);
    const before = view();
    const pull = activity.openPull(opened);
    activity.pushToBranch(pushed, 2);

    const spy = generateContent();
    for (const repo of org.org.repos) for (const each of org.pulls(repo)) org.commits(each);
    for (const repo of org.org.repos) org.branch(repo);
    // Dropping waits for the end of the synchronous step that read them.
    expect(org.materializedRepositories).toBe(2_000);
    await Promise.resolve();
    expect(org.materializedRepositories).toBe(CACHED_CONTENTS + 2);

    // What activity changed is still there, the very objects it changed.
    expect(org.pull(opened, pull.number)).toBe(pull);
    expect(org.branch(pushed)).toHaveLength(pushed.planned.commits + 2);
    // A dropped repository is generated again as it was.
    const generatedBefore = spy.mock.calls.length;
    expect(view()).toBe(before);
    expect(spy.mock.calls.length).toBe(generatedBefore + 1);
    spy.mockRestore();
  });

  it("refuses more repositories than its id space holds, and narrow-block repositories too large for their blocks", () => {
    expect(() => new GeneratedOrg({ ...MANY, repos: MAX_REPOS + 1 })).toThrow(/At most 5000 repositories/);
    expect(() => new GeneratedOrg({ ...MANY, repos: 100, pulls: 100_000 })).toThrow(/At most 500 pull requests and issues/);
  });
});

describe("listing the repositories of an organization of thousands", () => {
  let server: GitHubServer;
  let token: string;

  beforeAll(async () => {
    ({ server, token } = await startInstalledServer({ org: MANY }));
  });

  afterAll(() => server.close());

  it("pages through the installation's repositories 100 at a time, with Link headers to the next and last page like GitHub's", async () => {
    const first = await call(`${server.apiUrl}/installation/repositories?per_page=100`, { token });
    expect(first.status).toBe(200);
    expect(first.body.total_count).toBe(2_000);
    expect(first.body.repositories).toHaveLength(100);
    expect(first.headers.link).toBe(
      `<${server.apiUrl}/installation/repositories?per_page=100&page=2>; rel="next", <${server.apiUrl}/installation/repositories?per_page=100&page=20>; rel="last"`,
    );
    const middle = await call(`${server.apiUrl}/installation/repositories?per_page=100&page=7`, { token });
    expect(middle.headers.link).toContain('page=6>; rel="prev"');
    expect(middle.headers.link).toContain('page=8>; rel="next"');
    expect(middle.headers.link).toContain('page=1>; rel="first"');
    // per_page is capped at 100, as on GitHub.
    expect((await call(`${server.apiUrl}/installation/repositories?per_page=500`, { token })).body.repositories).toHaveLength(100);

    const all = await allPages(`${server.apiUrl}/installation/repositories?per_page=100`, token, (body) => body.repositories as Array<{ id: number }>);
    expect(all.pages).toBe(20);
    expect(new Set(all.items.map((repo) => repo.id)).size).toBe(2_000);
  });

  it("lists the organization's repositories (GET /orgs/{org}/repos), sorted and filtered as GitHub documents, without generating their contents", async () => {
    const spy = generateContent();
    const { items, pages } = await allPages(`${server.apiUrl}/orgs/${server.org.org.login}/repos?per_page=100&sort=full_name`, token, (body) => body as Array<{ id: number; full_name: string; private: boolean }>);
    expect(pages).toBe(20);
    expect(items.map((repo) => repo.full_name)).toEqual(items.map((repo) => repo.full_name).toSorted());
    expect(new Set(items.map((repo) => repo.id)).size).toBe(2_000);
    // Contents are generated transiently for the open issue counts, and not kept.
    expect(spy.mock.calls.length).toBe(2_000);
    const kept = (server.org as unknown as { contents: Map<number, unknown> }).contents;
    expect(kept.size).toBeLessThan(100);
    spy.mockRestore();

    const byCreation = await call(`${server.apiUrl}/orgs/${server.org.org.login}/repos?per_page=5`, { token });
    const created = (byCreation.body as Array<{ created_at: string }>).map((repo) => repo.created_at);
    expect(created).toEqual(created.toSorted().toReversed());
    const publicOnly = await allPages(`${server.apiUrl}/orgs/${server.org.org.login}/repos?per_page=100&type=public`, token, (body) => body as Array<{ private: boolean }>);
    expect(publicOnly.items.length).toBe(server.org.org.repos.filter((repo) => !repo.isPrivate).length);
    expect(publicOnly.items.every((repo) => !repo.private)).toBe(true);
    expect((await call(`${server.apiUrl}/orgs/${server.org.org.login}/repos?sort=stars`, { token })).status).toBe(422);
    expect((await call(`${server.apiUrl}/orgs/someone-else/repos`, { token })).status).toBe(404);
  });

  it("reads every repository's pull requests with the same answers (and ETags) as before, keeping few repositories' contents", async () => {
    const repo = server.org.org.repos[WIDE_REPOS + 5]!;
    const pullsOf = (name: string, etag?: string) => call(`${server.apiUrl}/repos/${server.org.org.login}/${name}/pulls?state=all`, { token, ...(etag && { headers: { "if-none-match": etag } }) });
    const first = await pullsOf(repo.name);
    for (const each of server.org.org.repos) expect((await pullsOf(each.name)).status).toBe(200);
    expect(server.org.materializedRepositories).toBeLessThanOrEqual(CACHED_CONTENTS);
    // Generated again, the repository answers the same body: a conditional request is still answered 304.
    const again = await pullsOf(repo.name, first.headers.etag);
    expect(again.status).toBe(304);
  });

  it("lists a repository's branches: the default branch and open pull requests' head branches, by name", async () => {
    const repo = server.org.org.repos.find((r) => r.index >= WIDE_REPOS && server.org.pulls(r).some((p) => p.closedAt === null))!;
    const answer = await call(`${server.apiUrl}/repos/${server.org.org.login}/${repo.name}/branches`, { token });
    expect(answer.status).toBe(200);
    expect(specErrors("GET", "/repos/{owner}/{repo}/branches", 200, answer.body)).toEqual([]);
    const names = (answer.body as Array<{ name: string }>).map((branch) => branch.name);
    expect(names).toEqual([repo.defaultBranch, ...server.org.pulls(repo).filter((p) => p.closedAt === null).map((p) => p.headRef)].toSorted());
    const main = (answer.body as Array<{ name: string; commit: { sha: string }; protected: boolean }>).find((branch) => branch.name === repo.defaultBranch)!;
    expect(main).toMatchObject({ commit: { sha: server.org.branch(repo).at(-1)!.sha }, protected: true });
    const unprotected = await call(`${server.apiUrl}/repos/${server.org.org.login}/${repo.name}/branches?protected=false`, { token });
    expect((unprotected.body as Array<{ name: string }>).map((branch) => branch.name)).not.toContain(repo.defaultBranch);
  });

  it("gives issues GitHub's issue type (an object, or null) and pull requests none", async () => {
    const repo = server.org.org.repos[WIDE_REPOS + 3]!;
    const { items } = await allPages(`${server.apiUrl}/repos/${server.org.org.login}/${repo.name}/issues?state=all&per_page=100`, token, (body) => body as Array<{ pull_request?: unknown; type: { name: string; color: string } | null }>);
    const issues = items.filter((item) => !item.pull_request);
    expect(items.filter((item) => item.pull_request).every((item) => item.type === null)).toBe(true);
    for (const issue of issues) if (issue.type) expect(["Task", "Bug", "Feature"]).toContain(issue.type.name);
    const all = server.org.org.repos.slice(0, 200).flatMap((r) => server.org.issues(r));
    const typed = all.filter((issue) => server.org.issueType(issue) !== null).length;
    expect(typed).toBeGreaterThan(0);
    expect(typed).toBeLessThan(all.length);
    expect(specErrors("GET", "/repos/{owner}/{repo}/issues", 200, items)).toEqual([]);
  });
});
