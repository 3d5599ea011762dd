import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiTokenModel } from "../../src/storage/models/api-token.js";
import { savePullRequests, type PullRequestRecord } from "../../src/storage/pull-requests.js";
import { saveMembers } from "../../src/storage/members.js";
import { freshWebApp, type WebApp } from "./fresh-web-app.js";
import { Browser, givenIntegration, mockAccess, signIn, type TestUser } from "./harness.js";

const alice: TestUser = { id: 11, login: "alice", installations: [1001] };
const AT = new Date("2026-01-01T00:00:00Z");
let web: WebApp;
let browser: Browser;

function pullRequest(githubId: number, installationId: number, title = "Change"): PullRequestRecord {
  return {
    githubId, nodeId: `PR_${githubId}`, repositoryId: installationId * 100, installationId, number: githubId, title,
    state: "open", createdAt: AT, updatedAt: AT, baseRef: "main", headRef: `topic-${githubId}`,
  };
}

beforeEach(async () => {
  ({ web, browser } = await freshWebApp());
  await givenIntegration(1001, "org-a", { repositories: 3 });
  await givenIntegration(2002, "org-b");
  await savePullRequests([...Array.from({ length: 5 }, (_, i) => pullRequest(i + 1, 1001)), pullRequest(99, 2002)]);
  await saveMembers(1001, [{ userId: 7, login: "mona" }], AT);
  await signIn(browser, alice);
});
afterEach(() => web.close());

type Page = { records: Record<string, unknown>[]; nextCursor: string; hasMore: boolean };
const get = async (path: string, via: Browser | string = browser) =>
  typeof via === "string" ? new Browser(web.url).fetch(`/api${path}`, { headers: { authorization: `Bearer ${via}` } }) : via.api("GET", path);

async function createToken(scope?: string): Promise<string> {
  const created = await browser.api("POST", "/tokens", { name: "etl", ...(scope && { scope }) });
  expect(created.status).toBe(201);
  return ((await created.json()) as { token: string }).token;
}

describe("the data API", () => {
  it("pages each kind of record by cursor and limit, the integration's own only", async () => {
    mockAccess(alice, { "org-a": "member" });
    const ids: unknown[] = [];
    let cursor: string | undefined;
    for (let hasMore = true; hasMore; ) {
      const response = await get(`/integrations/1001/data/pull-requests?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as Page;
      expect(page.records.length).toBeLessThanOrEqual(2);
      ids.push(...page.records.map((record) => record.githubId));
      ({ nextCursor: cursor, hasMore } = page);
    }
    expect(ids).toEqual([1, 2, 3, 4, 5]);
    expect(cursor).toBe("pull-requests.5");

    // Later, from the last cursor: what changed since, and only that.
    await savePullRequests([pullRequest(3, 1001, "Renamed")]);
    const changes = (await (await get(`/integrations/1001/data/pull-requests?cursor=${cursor}`)).json()) as Page;
    expect(changes).toMatchObject({ records: [{ githubId: 3, title: "Renamed" }], nextCursor: "pull-requests.6", hasMore: false });

    const repositories = (await (await get("/integrations/1001/data/repositories?limit=1000")).json()) as Page;
    expect(repositories.records.map((record) => record.fullName)).toEqual(["org-a/repo-0", "org-a/repo-1", "org-a/repo-2"]);
    const members = (await (await get("/integrations/1001/data/members")).json()) as Page;
    expect(members).toMatchObject({ records: [{ userId: 7, login: "mona", active: true }], hasMore: false });
    const updatedSince = (await (await get(`/integrations/1001/data/pull-requests?updated_since=${new Date().toISOString()}`)).json()) as Page;
    expect(updatedSince.records.map((record) => record.githubId)).toContain(3);
  });

  it("answers input it cannot use with a 400 that says why", async () => {
    mockAccess(alice, { "org-a": "member" });
    const problems: Record<string, string> = {
      "data/pull-requests?limit=0": "“limit” must be a whole number from 1 to 1000.",
      "data/pull-requests?limit=many": "“limit” must be a whole number from 1 to 1000.",
      "data/pull-requests?limit=1001": "“limit” must be a whole number from 1 to 1000.",
      "data/pull-requests?cursor=abc": "“cursor” must be the nextCursor of a previous page, as it was.",
      "data/pull-requests?cursor=commits.4": "This cursor continues the listing of commits, not of pull-requests: send it to that address.",
      "data/pull-requests?updated_since=yesterday": "“updated_since” must be a time such as 2026-01-31T09:00:00Z, given once.",
      "data/pull-requests?updated_since=2026-01-01T00:00:00Z&cursor=pull-requests.2": "Give either “updated_since” (to start a listing) or “cursor” (to continue one), not both.",
      "data/pull-requests?cursor=pull-requests.1&cursor=pull-requests.2": "Give “cursor” once.",
      "data/issues": "The kind of record must be one of repositories, commits, pull-requests, reviews, tickets, members.",
    };
    for (const [path, message] of Object.entries(problems)) {
      const response = await get(`/integrations/1001/${path}`);
      expect([path, response.status, ((await response.json()) as { error: { message: string } }).error.message]).toEqual([path, 400, message]);
    }
  });

  it("exports the whole integration as NDJSON: the cursors to continue from, then every record with its type", async () => {
    mockAccess(alice, { "org-a": "member" });
    const response = await get("/integrations/1001/export");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-ndjson");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="tributary-1001.ndjson"');
    const text = await response.text();
    expect(text.endsWith("\n")).toBe(true);
    const [first, ...lines] = text.trimEnd().split("\n").map((line) => JSON.parse(line) as { type: string; record?: Record<string, unknown>; cursors?: Record<string, string> });
    expect(first).toEqual({ type: "cursors", cursors: expect.objectContaining({ "pull-requests": expect.stringMatching(/^pull-requests\.\d+$/) }) });
    const counts = Object.fromEntries(["repository", "pull-request", "member"].map((type) => [type, lines.filter((line) => line.type === type).length]));
    expect(counts).toEqual({ repository: 3, "pull-request": 5, member: 1 });
    expect(lines).toHaveLength(9);
    expect(lines.every((line) => line.record!.installationId === 1001)).toBe(true);

    // A change made after the export comes from the data API, from the export's cursor.
    await savePullRequests([pullRequest(2, 1001, "After the export")]);
    const after = (await (await get(`/integrations/1001/data/pull-requests?cursor=${first!.cursors!["pull-requests"]}`)).json()) as Page;
    expect(after.records.map((record) => record.title)).toContain("After the export");
  });
});

describe("API token scopes", () => {
  it("let a data-only token read the data API and export, and refuse it anything else with a 403 that says why", async () => {
    const token = await createToken("data:read");
    expect(await ApiTokenModel.findOne({}).lean()).toMatchObject({ scope: "data:read" });
    mockAccess(alice, { "org-a": "member" });
    expect((await get("/integrations/1001/data/pull-requests", token)).status).toBe(200);
    expect((await get("/integrations/1001/export", token)).status).toBe(200);
    expect((await get("/integrations/2002/data/pull-requests", token)).status).toBe(404);
    for (const path of ["/me", "/integrations", "/integrations/1001", "/integrations/1001/repositories", "/tokens"]) {
      const refused = await get(path, token);
      expect([path, refused.status]).toEqual([path, 403]);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(
        "This API token may read the data API only (/api/integrations/{id}/data/… and /export): create a token with full access for anything else.",
      );
    }
    const page = await new Browser(web.url).fetch("/integrations", { headers: { authorization: `Bearer ${token}` } });
    expect(page.status).toBe(403);
  });

  it("give full access by default, and to tokens made before scopes existed", async () => {
    const token = await createToken();
    mockAccess(alice, { "org-a": "member" });
    expect((await get("/me", token)).status).toBe(200);
    await ApiTokenModel.updateMany({}, { $unset: { scope: "" } });
    expect((await get("/integrations/1001", token)).status).toBe(200);
    expect((await get("/integrations/1001/data/members", token)).status).toBe(200);
    const listed = (await (await browser.api("GET", "/tokens")).json()) as { tokens: { scope: string }[] };
    expect(listed.tokens.map((row) => row.scope)).toEqual(["full"]);
  });

  it("are chosen on the tokens page and shown in its list", async () => {
    const posted = await browser.post("/settings/tokens", { name: "warehouse", expiresInDays: "30", scope: "data:read" });
    expect(posted.status).toBe(303);
    const page = await (await browser.fetch("/settings/tokens")).text();
    expect(page).toContain('<option value="data:read" >read data only</option>');
    expect(page).toMatch(/<td>warehouse<\/td>.*<td>read data only<\/td>/s);
    const refused = await browser.post("/settings/tokens", { name: "x", expiresInDays: "30", scope: "admin" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("The scope must be one of full or data:read.");
  });
});
