import nock from "nock";
import { beforeEach, describe, expect, it } from "vitest";
import { reconcile } from "../../src/reconcile/reconcile.js";
import { RepositoryModel } from "../../src/storage/models/repository.js";
import { clearDatabase } from "../helpers/database.js";
import { restInstallation, restRepository } from "../helpers/github-rest.js";
import { createTestProbot, deliver } from "../helpers/probot.js";
import { storedIntegration, storedRepository } from "../helpers/records.js";
import { exampleAction, examplePayload } from "../helpers/webhooks.js";

let probot = createTestProbot();
const api = () => nock("https://api.github.com");

const SPACE = restRepository(186853007, "Codertocat/Space");
const NEW_ORG_REPOS = Array.from({ length: 3 }, (_, i) => restRepository(4000 + i, `neworg/repo-${i}`, { private: true, visibility: i === 2 ? "internal" : "private" }));

/** What GitHub reports now, differing from the database in every way reconciliation must repair. */
function mockGitHub({ tokensCached = false } = {}) {
  api()
    .get("/app/installations")
    .query({ per_page: 100 })
    .reply(200, [
      restInstallation(957387, "Codertocat", { updated_at: "2026-01-01T00:00:00Z" }),
      restInstallation(3333, "suspendedorg", { suspended_at: "2026-01-02T00:00:00Z", suspended_by: null }),
      restInstallation(4444, "neworg"),
    ]);
  if (!tokensCached) {
    api().post("/app/installations/957387/access_tokens").reply(201, { token: "t-957387", expires_at: "2099-01-01T00:00:00Z" });
    api().post("/app/installations/4444/access_tokens").reply(201, { token: "t-4444", expires_at: "2099-01-01T00:00:00Z" });
  }
  api()
    .get("/installation/repositories")
    .query({ per_page: 100 })
    .matchHeader("authorization", "token t-957387")
    .reply(200, { total_count: 1, repositories: [SPACE] });
  // Two pages, linked the way GitHub links them.
  api()
    .get("/installation/repositories")
    .query({ per_page: 100 })
    .matchHeader("authorization", "token t-4444")
    .reply(200, { total_count: 3, repositories: NEW_ORG_REPOS.slice(0, 2) }, {
      link: '<https://api.github.com/installation/repositories?per_page=100&page=2>; rel="next", <https://api.github.com/installation/repositories?per_page=100&page=2>; rel="last"',
    });
  api()
    .get("/installation/repositories")
    .query({ per_page: 100, page: 2 })
    .matchHeader("authorization", "token t-4444")
    .reply(200, { total_count: 3, repositories: NEW_ORG_REPOS.slice(2) });
}

beforeEach(async () => {
  await clearDatabase();
  probot = createTestProbot(); // a fresh installation-token cache
  // Known before: Codertocat with Hello-World granted, and installation 2, which GitHub no longer has.
  await deliver(probot, "installation", examplePayload("installation", (p) => p.action === "created" && !("requester" in p && p.requester)));
  const { installation, repositories, sender } = exampleAction("installation", "deleted");
  await deliver(probot, "installation", { action: "created", installation, repositories, sender });
});

describe("reconcile", () => {
  it("creates missing integrations, marks vanished ones uninstalled and fixes repository grants", async () => {
    mockGitHub();
    const summary = await reconcile(probot);

    expect(summary).toEqual({ installations: 3, changes: 8 });
    expect((await storedIntegration(2)).status).toBe("uninstalled");
    expect((await storedIntegration(2)).audit.at(-1)).toMatchObject({ action: "reconcile.uninstalled", actor: null, deliveryId: null });
    expect(await storedIntegration(3333)).toMatchObject({ status: "suspended", account: { login: "suspendedorg" } });
    expect(await storedIntegration(4444)).toMatchObject({ status: "active", name: "neworg", account: { type: "Organization" } });

    expect(await storedRepository(186853002)).toMatchObject({ granted: false });
    expect(await storedRepository(186853007)).toMatchObject({ granted: true, defaultBranch: "main", visibility: "public" });
    const newOrgRepos = await RepositoryModel.find({ installationId: 4444 }).sort({ githubId: 1 }).lean();
    expect(newOrgRepos.map((r) => [r.fullName, r.visibility, r.granted])).toEqual([
      ["neworg/repo-0", "private", true],
      ["neworg/repo-1", "private", true],
      ["neworg/repo-2", "internal", true],
    ]);
    // Grants found changed: one audit entry each way, naming the repositories.
    expect((await storedIntegration(4444)).audit.map(({ action, repositories }) => [action, repositories?.map((repo) => repo.fullName)])).toEqual([
      ["reconcile.created", undefined],
      ["reconcile.repository_granted", ["neworg/repo-0", "neworg/repo-1", "neworg/repo-2"]],
    ]);
    expect((await storedIntegration(957387)).audit.slice(-2)).toMatchObject([
      { action: "reconcile.repository_granted", repositories: [{ id: 186853007, fullName: "Codertocat/Space" }] },
      { action: "reconcile.repository_revoked", repositories: [{ id: 186853002, fullName: "Codertocat/Hello-World" }] },
    ]);
  });

  it("changes nothing when run again", async () => {
    mockGitHub();
    await reconcile(probot);
    mockGitHub({ tokensCached: true });
    expect(await reconcile(probot)).toEqual({ installations: 3, changes: 0 });
  });

  it("reactivates an integration GitHub reports unsuspended", async () => {
    await deliver(probot, "installation", exampleAction("installation", "suspend"));
    api().get("/app/installations").query({ per_page: 100 }).reply(200, [restInstallation(16598467, "Codertocat")]);
    api().post("/app/installations/16598467/access_tokens").reply(201, { token: "t", expires_at: "2099-01-01T00:00:00Z" });
    api().get("/installation/repositories").query({ per_page: 100 }).reply(200, { total_count: 0, repositories: [] });

    await reconcile(probot);

    const integration = await storedIntegration(16598467);
    expect(integration.status).toBe("active");
    expect(integration.audit.map((entry) => entry.action)).toContain("reconcile.active");
  });
});
