import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GitHubServer } from "../../../tools/github-server/index.js";
import type { Repo } from "../../../tools/github-server/org/model.js";
import { allPages, appJwt, call, specErrors } from "./helpers.js";
import { startInstalledServer } from "./installed-server.js";

let server: GitHubServer;
let token: string;
let repo: Repo;
let repoPath: string;

beforeAll(async () => {
  ({ server, token, repo } = await startInstalledServer());
  repoPath = `${server.apiUrl}/repos/${server.org.org.login}/${repo.name}`;
});

afterAll(() => server.close());

describe("REST responses match GitHub's OpenAPI description", () => {
  it("for every endpoint the server implements", async () => {
    await server.simulateActivity({ issues: 1 }); // a webhook delivery to list
    const org = server.org.org;
    const pull = server.org.pulls(repo).find((p) => p.shape.reviews > 0 && p.shape.reviewComments > 0 && p.shape.comments > 0)!;
    const issue = server.org.issues(repo).find((i) => i.commentCount > 0)!;
    const commitSha = server.org.branch(repo).at(-1)!.sha;
    const admin = server.org.admins()[0]!;
    const jwt = appJwt();
    const cases: Array<[string, string, string, number, string]> = [
      ["GET", "/app", "/app", 200, jwt],
      ["GET", "/app/installations", "/app/installations", 200, jwt],
      ["GET", "/app/installations/{installation_id}", "/app/installations/1", 200, jwt],
      ["POST", "/app/installations/{installation_id}/access_tokens", "/app/installations/1/access_tokens", 201, jwt],
      ["GET", "/app/hook/deliveries", "/app/hook/deliveries", 200, jwt],
      ["GET", "/installation/repositories", "/installation/repositories", 200, token],
      ["GET", "/repos/{owner}/{repo}", `/repos/${org.login}/${repo.name}`, 200, token],
      ["GET", "/repos/{owner}/{repo}/pulls", `/repos/${org.login}/${repo.name}/pulls?state=all&per_page=100`, 200, token],
      ["GET", "/repos/{owner}/{repo}/pulls/{pull_number}", `/repos/${org.login}/${repo.name}/pulls/${pull.number}`, 200, token],
      ["GET", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews", `/repos/${org.login}/${repo.name}/pulls/${pull.number}/reviews?per_page=100`, 200, token],
      ["GET", "/repos/{owner}/{repo}/pulls/{pull_number}/commits", `/repos/${org.login}/${repo.name}/pulls/${pull.number}/commits?per_page=100`, 200, token],
      ["GET", "/repos/{owner}/{repo}/pulls/{pull_number}/comments", `/repos/${org.login}/${repo.name}/pulls/${pull.number}/comments?per_page=100`, 200, token],
      ["GET", "/repos/{owner}/{repo}/issues", `/repos/${org.login}/${repo.name}/issues?state=all&per_page=100`, 200, token],
      ["GET", "/repos/{owner}/{repo}/issues/{issue_number}", `/repos/${org.login}/${repo.name}/issues/${issue.number}`, 200, token],
      ["GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments", `/repos/${org.login}/${repo.name}/issues/${issue.number}/comments`, 200, token],
      ["GET", "/repos/{owner}/{repo}/commits", `/repos/${org.login}/${repo.name}/commits?per_page=100`, 200, token],
      ["GET", "/repos/{owner}/{repo}/commits/{ref}", `/repos/${org.login}/${repo.name}/commits/${commitSha}`, 200, token],
      ["GET", "/repos/{owner}/{repo}/branches", `/repos/${org.login}/${repo.name}/branches?per_page=100`, 200, token],
      ["GET", "/orgs/{org}/repos", `/orgs/${org.login}/repos`, 200, token],
      ["GET", "/orgs/{org}/members", `/orgs/${org.login}/members`, 200, token],
      ["GET", "/orgs/{org}/memberships/{username}", `/orgs/${org.login}/memberships/${admin.login}`, 200, token],
      ["GET", "/rate_limit", "/rate_limit", 200, token],
    ];
    for (const [method, template, path, status, credential] of cases) {
      const answer = await call(`${server.apiUrl}${path}`, { method, token: credential });
      expect(answer.status, `${method} ${path}`).toBe(status);
      expect(specErrors(method, template, status, answer.body), `${method} ${template}`).toEqual([]);
    }
  });

  it("for every pull request, issue and commit shape in a repository", async () => {
    const pulls = await allPages(`${repoPath}/pulls?state=all&per_page=100`, token);
    for (const pull of pulls.items as Array<{ number: number }>) {
      const detail = await call(`${repoPath}/pulls/${pull.number}`, { token });
      expect(specErrors("GET", "/repos/{owner}/{repo}/pulls/{pull_number}", 200, detail.body)).toEqual([]);
    }
    const issues = await allPages(`${repoPath}/issues?state=all&per_page=100`, token);
    expect(specErrors("GET", "/repos/{owner}/{repo}/issues", 200, issues.items)).toEqual([]);
    const commits = await allPages(`${repoPath}/commits?per_page=100`, token);
    expect(specErrors("GET", "/repos/{owner}/{repo}/commits", 200, commits.items)).toEqual([]);
  });
});

describe("REST lists", () => {
  it("paginate with Link headers and return every item once", async () => {
    const expected = server.org.pulls(repo).length;
    const first = await call(`${repoPath}/pulls?state=all&per_page=5`, { token });
    expect(first.headers.link).toContain('rel="next"');
    expect(first.headers.link).toContain(`page=${Math.ceil(expected / 5)}>; rel="last"`);
    const { items, pages } = await allPages<{ number: number }>(`${repoPath}/pulls?state=all&per_page=5`, token);
    expect(pages).toBe(Math.ceil(expected / 5));
    expect(new Set(items.map((p) => p.number)).size).toBe(expected);
  });

  it("filter and sort pull requests by state, sort and direction", async () => {
    const open = await allPages<{ state: string }>(`${repoPath}/pulls?per_page=100`, token);
    expect(open.items.every((p) => p.state === "open")).toBe(true);
    const byUpdate = await allPages<{ updated_at: string }>(`${repoPath}/pulls?state=all&sort=updated&direction=asc&per_page=100`, token);
    const times = byUpdate.items.map((p) => p.updated_at);
    expect(times).toEqual(times.toSorted());
  });

  it("cap a pull request's commits at 250, as GitHub does, while the detail counts them all", async () => {
    const large = server.org.pulls(repo).find((p) => p.shape.commits > 250)!;
    const { items } = await allPages(`${repoPath}/pulls/${large.number}/commits?per_page=100`, token);
    expect(items).toHaveLength(250);
    const detail = await call<{ commits: number }>(`${repoPath}/pulls/${large.number}`, { token });
    expect(detail.body.commits).toBe(large.shape.commits);
  });

  it("list issues with pull requests among them, filtered by since and sorted by update", async () => {
    const all = await allPages<{ number: number; pull_request?: object; updated_at: string }>(`${repoPath}/issues?state=all&per_page=100`, token);
    const content = server.org.content(repo).items.filter((item) => item.kind === "pull" || item.kind === "issue");
    expect(all.items).toHaveLength(content.length);
    expect(all.items.filter((i) => i.pull_request)).toHaveLength(server.org.pulls(repo).length);
    const middle = all.items.map((i) => i.updated_at).toSorted()[Math.floor(all.items.length / 2)]!;
    const recent = await allPages<{ updated_at: string }>(`${repoPath}/issues?state=all&sort=updated&direction=asc&since=${middle}&per_page=100`, token);
    expect(recent.items.every((i) => i.updated_at >= middle)).toBe(true);
    expect(recent.items.map((i) => i.updated_at)).toEqual(recent.items.map((i) => i.updated_at).toSorted());
  });

  it("list default-branch commits newest first, within since/until, with stats and files on the detail", async () => {
    const branch = server.org.branch(repo);
    const { items } = await allPages<{ sha: string }>(`${repoPath}/commits?per_page=100`, token);
    expect(items.map((c) => c.sha)).toEqual(branch.map((c) => c.sha).toReversed());
    const [start, end] = [Math.floor(branch.length / 4), Math.floor(branch.length / 2)];
    const from = new Date(branch[start]!.committedAt).toISOString();
    const to = new Date(branch[end]!.committedAt).toISOString();
    const window = await allPages<{ sha: string }>(`${repoPath}/commits?since=${from}&until=${to}&per_page=100`, token);
    expect(window.items.map((c) => c.sha)).toEqual(branch.slice(start, end + 1).map((c) => c.sha).toReversed());
    const detail = await call<{ stats: { additions: number }; files: Array<{ additions: number }> }>(`${repoPath}/commits/${branch[5]!.sha}`, { token });
    expect(detail.body.stats.additions).toBe(detail.body.files.reduce((sum, f) => sum + f.additions, 0));
  });

  it("filter org members by role and answer memberships", async () => {
    const login = server.org.org.login;
    const admins = await call<unknown[]>(`${server.apiUrl}/orgs/${login}/members?role=admin`, { token });
    expect(admins.body).toHaveLength(server.org.admins().length);
    const outsider = server.org.org.authors.find((p) => p.kind === "User" && !server.org.member(p.login))!;
    expect((await call(`${server.apiUrl}/orgs/${login}/memberships/${outsider.login}`, { token })).status).toBe(404);
  });
});

describe("GitHub's behaviour around moved and missing things", () => {
  it("redirects a renamed repository's old name to /repositories/{id}, which serves it", async () => {
    const renamed = server.org.org.repos.find((r) => r.previousNames.length > 0)!;
    const old = await call(`${server.apiUrl}/repos/${server.org.org.login}/${renamed.previousNames[0]}/pulls`, { token });
    expect(old.status).toBe(301);
    expect(old.headers.location).toBe(`${server.apiUrl}/repositories/${renamed.id}/pulls`);
    const followed = await call<Array<{ base: { repo: { id: number } } }>>(old.headers.location!, { token });
    expect(followed.status).toBe(200);
  });

  it("answers 301 for a transferred issue and 410 for a deleted one", async () => {
    const items = server.org.content(repo).items;
    const transferred = items.find((i) => i.kind === "transferred")!;
    const deleted = items.find((i) => i.kind === "deleted")!;
    expect((await call(`${repoPath}/issues/${transferred.number}`, { token })).status).toBe(301);
    expect((await call(`${repoPath}/issues/${deleted.number}`, { token })).status).toBe(410);
  });

  it("limits a token scoped to some repositories, and one without a permission", async () => {
    const jwt = appJwt();
    const scoped = await call<{ token: string }>(`${server.apiUrl}/app/installations/1/access_tokens`, { method: "POST", token: jwt, body: { repository_ids: [repo.id] } });
    const other = server.org.org.repos[1]!;
    expect((await call(`${repoPath}/pulls`, { token: scoped.body.token })).status).toBe(200);
    expect((await call(`${server.apiUrl}/repos/${server.org.org.login}/${other.name}/pulls`, { token: scoped.body.token })).status).toBe(404);
    const metadataOnly = await call<{ token: string }>(`${server.apiUrl}/app/installations/1/access_tokens`, { method: "POST", token: jwt, body: { permissions: { metadata: "read" } } });
    expect((await call(`${repoPath}`, { token: metadataOnly.body.token })).status).toBe(200);
    expect((await call(`${repoPath}/pulls`, { token: metadataOnly.body.token })).status).toBe(403);
    const escalation = await call(`${server.apiUrl}/app/installations/1/access_tokens`, { method: "POST", token: jwt, body: { permissions: { contents: "write" } } });
    expect(escalation.status).toBe(422);
  });
});

describe("conditional requests", () => {
  it("answer 304 for a matching ETag without spending the rate limit", async () => {
    const first = await call(`${repoPath}/pulls?state=all`, { token });
    expect(first.headers.etag).toMatch(/^W\/"[0-9a-f]+"$/);
    const again = await call(`${repoPath}/pulls?state=all`, { token, headers: { "if-none-match": first.headers.etag! } });
    expect(again.status).toBe(304);
    expect(again.headers["x-ratelimit-used"]).toBe(first.headers["x-ratelimit-used"]);
    expect(again.headers["x-ratelimit-remaining"]).toBe(first.headers["x-ratelimit-remaining"]);
    const changed = await call(`${repoPath}/pulls?state=open`, { token, headers: { "if-none-match": first.headers.etag! } });
    expect(changed.status).toBe(200);
    expect(server.stats().notModified).toBeGreaterThanOrEqual(1);
  });
});
