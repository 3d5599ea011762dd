import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { claimDelivery, markDeliveryFailed, storeReceivedDelivery } from "../../src/storage/deliveries.js";
import { applyLifecycleAction } from "../../src/storage/integrations.js";
import { RepositoryModel } from "../../src/storage/models/repository.js";
import { clearDatabase } from "../helpers/database.js";
import { restInstallation, restRepository } from "../helpers/github-rest.js";
import { Browser, api, givenIntegration, mockAccess, mockAppSlug, signIn, startWebApp, type TestUser } from "./harness.js";

const alice: TestUser = { id: 11, login: "alice", installations: [1001] };
type Permissions = NonNullable<Parameters<typeof restInstallation>[2]>["permissions"];
const ALL_PERMISSIONS: Permissions = { metadata: "read", contents: "read", pull_requests: "read", issues: "read", members: "read" };
const INSTALLATION_SETTINGS = "https://github.com/organizations/org-a/settings/installations/1001";
let web: Awaited<ReturnType<typeof startWebApp>>;
let browser: Browser;

type Problem = { code: string; title: string; fix: string; link: { href: string } };

beforeEach(async () => {
  await clearDatabase();
  web = await startWebApp();
  browser = new Browser(web.url);
  mockAppSlug();
});
afterEach(() => web.close());

/** One attempt at a delivery, as `GET /app/hook/deliveries` lists it (a redelivery keeps the guid). */
const attempt = (guid: string, statusCode: number, installationId = 1001) => ({
  id: Math.floor(Math.random() * 1e9),
  guid,
  installation_id: installationId,
  status_code: statusCode,
  status: statusCode === 200 ? "OK" : "Bad Gateway",
  event: "push",
  redelivery: false,
});

interface GitHubAnswers {
  permissions?: Permissions;
  remaining?: number;
  /** The app's recent delivery attempts; null when GitHub refuses to list them. */
  deliveries?: ReturnType<typeof attempt>[] | null;
}

/** GitHub's answers to a connection test of installation 1001. */
function mockConnection({ permissions = ALL_PERMISSIONS, remaining = 4990, deliveries = [] }: GitHubAnswers = {}) {
  api().get("/app/installations/1001").reply(200, restInstallation(1001, "org-a", { permissions }));
  api().post("/app/installations/1001/access_tokens").reply(201, { token: "ghs_1001", expires_at: "2099-01-01T00:00:00Z" });
  api()
    .get("/installation/repositories")
    .query({ per_page: 100 })
    .matchHeader("authorization", "token ghs_1001")
    .reply(200, { total_count: 2, repositories: [restRepository(100100, "org-a/repo-0"), restRepository(100101, "org-a/repo-1")] });
  const core = { limit: 5000, remaining, used: 5000 - remaining, reset: Math.floor(Date.now() / 1000) + 1800 };
  api().get("/rate_limit").matchHeader("authorization", "token ghs_1001").reply(200, { resources: { core }, rate: core });
  api()
    .get("/app/hook/deliveries")
    .query({ per_page: 100 })
    .reply(deliveries ? 200 : 403, deliveries ?? { message: "Resource not accessible by integration" });
}

/** A delivery whose processing failed for good. */
async function givenDeadDelivery() {
  await storeReceivedDelivery({ deliveryId: "d-dead", event: "push", action: null, installationId: 1001, repositoryId: null, body: "{}", lane: null, receivedAt: new Date() });
  await markDeliveryFailed((await claimDelivery("d-dead", { leaseMs: 60_000 }))!, "invalid payload: ref is required", null);
}

async function problems(): Promise<Problem[]> {
  return ((await (await browser.api("GET", "/integrations/1001/troubleshooting")).json()) as { problems: Problem[] }).problems;
}

async function signInAsAdmin() {
  await signIn(browser, alice);
  mockAccess(alice, { "org-a": "admin" });
}

describe("test connection", () => {
  beforeEach(() => givenIntegration(1001, "org-a"));

  it("reports a successful connection with repositories, permissions and rate-limit headroom", async () => {
    await signInAsAdmin();
    mockConnection();
    const page = await (await browser.post("/integrations/1001/connection")).text();
    expect(page).toContain("✓ Successfully connected to org-a");
    expect(page).toContain("org-a/repo-0, org-a/repo-1");
    expect(page).toContain("All required permissions are granted");
    expect(page).toContain("4990 of 5000 requests left");
    expect(await problems()).toEqual([]);
  });

  it("names missing permissions, failing deliveries and an exhausted rate limit, and troubleshooting offers the fixes", async () => {
    await signInAsAdmin();
    mockConnection({ permissions: { metadata: "read", contents: "read", pull_requests: "read", members: "read" }, remaining: 0, deliveries: [attempt("g0", 502), attempt("g1", 502)] });
    const report = (await (await browser.api("POST", "/integrations/1001/connection-test")).json()) as { ok: boolean; message: string; missingPermissions: string[] };
    expect(report.ok).toBe(false);
    expect(report.message).toMatch(/^Connected to org-a, but permissions awaiting acceptance: issues: read; rate limit exhausted until /);
    expect(report.missingPermissions).toEqual(["issues: read"]);

    const found = await problems();
    expect(found.map((p) => p.code)).toEqual(["permissions_pending", "deliveries_failing", "rate_limit_exhausted"]);
    expect(found[0]!.link.href).toBe(INSTALLATION_SETTINGS);
    expect(found[1]!.link.href).toBe("https://github.com/settings/apps/tributary-test/advanced");
    const page = await (await browser.fetch("/integrations/1001/troubleshooting")).text();
    expect(page).toContain("New permissions await acceptance");
    expect(page).toContain(`href="${INSTALLATION_SETTINGS}"`);
  });

  it("counts GitHub's undelivered deliveries and the inbox's dead ones apart", async () => {
    await givenDeadDelivery();
    await signInAsAdmin();
    mockConnection({
      deliveries: [
        // Newest first, as GitHub lists them: g-redelivered failed, then its redelivery succeeded.
        attempt("g-redelivered", 200),
        attempt("g-failed-twice", 502),
        attempt("g-redelivered", 502),
        attempt("g-failed-twice", 502),
        attempt("g-failed", 500),
        attempt("g-ok", 200),
        attempt("g-other-installation", 502, 2002),
      ],
    });
    const report = (await (await browser.api("POST", "/integrations/1001/connection-test")).json()) as { failedDeliveries: unknown };
    expect(report.failedDeliveries).toEqual({ github: 2, dead: 1 });
    expect((await problems()).find((p) => p.code === "deliveries_failing")).toMatchObject({ detail: expect.stringContaining("GitHub reports 2 failed") });
  });

  it("shows both counts with how each kind is recovered", async () => {
    await givenDeadDelivery();
    await signInAsAdmin();
    mockConnection({ deliveries: [attempt("g-failed", 500)] });
    const page = await (await browser.post("/integrations/1001/connection")).text();
    expect(page).toMatch(/<dt>Not delivered by GitHub<\/dt><dd>1\s/);
    expect(page).toContain("Tributary asks GitHub to redeliver them automatically");
    expect(page).toMatch(/<dt>Dead in Tributary's inbox<\/dt><dd>1\s/);
    expect(page).toContain('retry them from <a href="/integrations/1001/activity">Activity</a>');
  });

  it("says GitHub's count is unknown when GitHub will not list its deliveries", async () => {
    await signInAsAdmin();
    mockConnection({ deliveries: null });
    const report = (await (await browser.api("POST", "/integrations/1001/connection-test")).json()) as { ok: boolean; failedDeliveries: unknown };
    expect(report).toMatchObject({ ok: true, failedDeliveries: { github: null, dead: 0 } });
  });

  it("lets a member run it (it changes no setting)", async () => {
    const bob = { ...alice, id: 12, login: "bob" };
    await signIn(browser, bob);
    mockAccess(bob, { "org-a": "member" });
    mockConnection();
    expect(await (await browser.post("/integrations/1001/connection")).text()).toContain("Successfully connected to org-a");
  });
});

describe("troubleshooting", () => {
  it("explains a suspended installation, how to unsuspend it and where", async () => {
    await givenIntegration(1001, "org-a", { suspended: true });
    await signInAsAdmin();
    api().get("/app/installations/1001").reply(200, restInstallation(1001, "org-a", { suspended_at: "2026-01-02T00:00:00Z", permissions: ALL_PERMISSIONS }));
    const report = (await (await browser.api("POST", "/integrations/1001/connection-test")).json()) as { message: string; reachable: boolean };
    expect(report).toMatchObject({
      reachable: false,
      message: "The installation on org-a is suspended: GitHub refuses it tokens",
      failedDeliveries: { github: null, dead: 0 },
    });

    const found = await problems();
    expect(found.map((p) => p.code)).toEqual(["suspended"]);
    expect(found[0]).toMatchObject({ title: "The installation is suspended", link: { href: INSTALLATION_SETTINGS } });
    expect(await (await browser.fetch("/integrations")).text()).toContain('href="/integrations/1001/troubleshooting">1 problem</a>');
  });

  it("tells an org member the app was uninstalled and links to installing it again", async () => {
    await givenIntegration(1001, "org-a");
    await applyLifecycleAction(1001, "delete", new Date(), null);
    const member = { ...alice, installations: [] };
    await signIn(browser, member);
    mockAccess(member, { "org-a": "member" });
    const found = await problems();
    expect(found).toEqual([expect.objectContaining({ code: "uninstalled", link: { href: "https://github.com/apps/tributary-test/installations/new", label: expect.any(String) } })]);
  });

  it("notices no repositories selected, and repositories removed from the selection", async () => {
    await givenIntegration(1001, "org-a", { selection: "selected", repositories: 2 });
    await RepositoryModel.updateMany({ installationId: 1001 }, { $set: { granted: false } });
    await signInAsAdmin();
    const found = await problems();
    expect(found.map((p) => [p.code, p.title])).toEqual([
      ["no_repositories", "No repositories are selected"],
      ["repositories_lost", "2 repositories were removed from the selection"],
    ]);
  });
});
