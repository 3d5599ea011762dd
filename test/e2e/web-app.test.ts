import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKFILL_JOB, backfillJobKey } from "../../src/backfill/control.js";
import { markImporting, saveCheckpoint } from "../../src/storage/import-statuses.js";
import { IntegrationModel } from "../../src/storage/models/integration.js";
import { JobModel } from "../../src/storage/models/job.js";
import { listRepositories } from "../../src/storage/repositories.js";
import * as payloads from "../../tools/github-server/webhooks/payloads.js";
import { givenIntegration } from "../web/harness.js";
import { signIn, startBrowserStack, type BrowserStack } from "./harness.js";

const OTHER_ORG_INSTALLATION = 990_001;

let stack: BrowserStack;

beforeAll(async () => {
  stack = await startBrowserStack();
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

describe("the web app in a browser", () => {
  it("signs in with GitHub, lands from the setup callback, manages the integration, and signs out", async () => {
    const { page, appUrl, github, worker, screenshot } = stack;
    await page.goto(`${appUrl}/integrations`);
    await page.getByRole("link", { name: "Sign in with GitHub" }).click();
    await page.getByRole("heading", { name: "Integrations" }).waitFor();
    expect(await page.textContent("main")).toContain("No integration you can access yet");
    const addIntegration = await page.getByRole("link", { name: "Add integration" }).getAttribute("href");
    expect(addIntegration).toBe(`${github.url}/apps/tributary/installations/new`);

    // The owner installs the app on GitHub; GitHub sends the webhook, then sends the browser to the setup URL.
    const { installation } = await github.simulateInstall();
    await page.goto(`${appUrl}/github/setup?installation_id=${installation.id}&setup_action=install`);
    await page.waitForURL(`${appUrl}/integrations/${installation.id}`);
    await expect.poll(() => page.textContent("h1")).toContain("acme");
    await screenshot("integration-overview");

    // Tickets off: its waiting imports stop and it leaves the repositories' services.
    const tickets = page.locator('#repositories li[data-service="tickets"]');
    await page.goto(`${appUrl}/integrations/${installation.id}/repositories`);
    expect(await tickets.allTextContents()).toEqual([expect.stringContaining("Queued"), expect.stringContaining("Queued"), expect.stringContaining("Queued")]);
    await page.goto(`${appUrl}/integrations/${installation.id}`);
    await page.getByRole("switch", { name: "Tickets" }).click();
    await page.getByText("Service turned off").waitFor();
    expect(await page.getByRole("switch", { name: "Tickets" }).getAttribute("aria-checked")).toBe("false");
    await page.goto(`${appUrl}/integrations/${installation.id}/repositories`);
    expect(await tickets.count()).toBe(0);

    // Tickets on again: queued, then imported while the page watches.
    await page.goto(`${appUrl}/integrations/${installation.id}`);
    await page.getByRole("switch", { name: "Tickets" }).click();
    await page.getByText("Service turned on").waitFor();
    await page.goto(`${appUrl}/integrations/${installation.id}/repositories`);
    expect(await tickets.first().textContent()).toContain("Queued");
    await expect.poll(() => page.locator("#overall").textContent()).toMatch(/of [\d,]+ records · \d+ repository imports? to go/);
    worker.start();
    // The page asks for its rows' progress while imports are under way: they move on without a reload, until all are done.
    await expect.poll(() => tickets.allTextContents(), { timeout: 60_000 }).not.toContainEqual(expect.stringContaining("Queued"));
    await screenshot("repositories");
    await page.locator("#repositories:not([data-live])").waitFor({ timeout: 90_000 });
    expect(page.url()).toBe(`${appUrl}/integrations/${installation.id}/repositories`);
    expect(await page.locator("#repositories").textContent()).toContain("3 done");
    expect(await tickets.allTextContents()).toEqual([expect.stringMatching(/Imported \d+ tickets?/), expect.stringMatching(/Imported \d+ tickets?/), expect.stringMatching(/Imported \d+ tickets?/)]);
    expect(await page.locator("#overall").textContent()).toBe("");

    // Rename.
    await page.goto(`${appUrl}/integrations/${installation.id}`);
    await page.getByLabel("Integration name").fill("Acme engineering");
    await page.getByRole("button", { name: "Rename" }).click();
    await page.getByText("Integration renamed.").waitFor();
    expect(await page.textContent("h1")).toContain("Acme engineering");

    // Test connection.
    await page.getByRole("link", { name: "Test connection" }).click();
    await page.getByRole("button", { name: "Test connection" }).click();
    await page.getByText("Successfully connected to acme").waitFor();
    await screenshot("test-connection");

    // An owner suspends the installation on GitHub: troubleshooting says what to do and where.
    installation.suspendedAt = Date.now();
    installation.updatedAt = installation.suspendedAt;
    installation.suspendedBy = github.org.admins()[0]!;
    await github.sendWebhook("installation", {
      action: "suspend",
      installation: payloads.installation(github.context, installation),
      sender: payloads.personUser(github.context, installation.suspendedBy),
    } as never);
    await page.goto(`${appUrl}/integrations/${installation.id}/troubleshooting`);
    await page.getByRole("heading", { name: "The installation is suspended" }).waitFor();
    expect(await page.getByRole("link", { name: "Open the installation's settings on GitHub" }).getAttribute("href")).toBe(
      `${github.url}/organizations/acme/settings/installations/${installation.id}`,
    );
    await screenshot("troubleshooting");
    await page.goto(`${appUrl}/integrations`);
    await screenshot("integrations");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${appUrl}/integrations/${installation.id}/repositories`);
    await screenshot("repositories-narrow");
    await page.setViewportSize({ width: 1280, height: 800 });

    // Sign out.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to Tributary" }).waitFor();
    await page.goto(`${appUrl}/integrations/${installation.id}`);
    await page.getByRole("heading", { name: "Sign in to Tributary" }).waitFor();
  }, 120_000);

  it("hides another organization's integration from a signed-in user (404)", async () => {
    const { page, appUrl } = stack;
    await givenIntegration(OTHER_ORG_INSTALLATION, "other-org");
    await signIn(stack);
    expect(await page.textContent("main")).not.toContain("other-org");
    const response = await page.goto(`${appUrl}/integrations/${OTHER_ORG_INSTALLATION}/troubleshooting`);
    expect(response?.status()).toBe(404);
    await page.getByRole("heading", { name: "Not found" }).waitFor();
    const api = await page.request.get(`${appUrl}/api/integrations/${OTHER_ORG_INSTALLATION}`);
    expect(api.status()).toBe(404);
  }, 60_000);

  // Signed in still, by the test before.
  it("tells why an import waits — GitHub's rate limit, a restart — and how far a running one is, live", async () => {
    const { page, appUrl, screenshot } = stack;
    // The organization installed above: its imports are done; three of its runs are set where a person would wonder.
    const { installationId } = (await IntegrationModel.findOne({ "account.login": "acme" }).lean())!;
    const [busy, limited, orphaned] = (await listRepositories(installationId, { granted: true })).map((repo) => repo.githubId);
    const run = (repositoryId: number) =>
      markImporting(repositoryId, "repos", { checkpoint: { phase: "recent", cursor: null, runStartedAt: new Date(Date.now() - 60_000) }, mode: "full", processed: 0 });
    for (const repositoryId of [busy!, limited!, orphaned!]) await run(repositoryId);
    // Their own jobs, as a sync's runs leave them (the worker still runs: none may be claimable).
    const job = (repositoryId: number, fields: Record<string, unknown>) =>
      JobModel.create({ name: BACKFILL_JOB, key: backfillJobKey({ repositoryId, service: "repos" }), installationId, payload: { repositoryId, service: "repos" }, ...fields });
    const resetAt = new Date(Date.now() + 25 * 60_000);
    await job(limited!, { state: "queued", runAt: resetAt, lastError: "GitHub's GraphQL rate limit is spent" });
    await job(orphaned!, { state: "running", runAt: new Date(), leaseRenewedAt: new Date(Date.now() - 40_000), lockedUntil: new Date(Date.now() + 20_000) });
    await saveCheckpoint(busy!, "repos", { phase: "recent", cursor: "c", runStartedAt: new Date() }, { processed: 1_775, expectedTotal: 6_400 });

    await page.goto(`${appUrl}/integrations/${installationId}/repositories`);
    const row = (repositoryId: number) => page.locator(`tr[data-repository="${repositoryId}"]`);
    expect(await row(busy!).textContent()).toContain("1,775 of 6,400 commits");
    expect(await row(limited!).textContent()).toContain("GitHub's GraphQL rate limit is spent: waiting until");
    expect(await row(orphaned!).textContent()).toMatch(/Waiting to resume after a restart \(lease expires in \d+ s\)/);
    expect(await page.locator("#overall").textContent()).toMatch(/of 6,4\d\d records · 3 repository imports to go · about \d+ minutes? left/);
    await screenshot("repositories-importing");

    // The run moves on: the row follows without a reload.
    await saveCheckpoint(busy!, "repos", { phase: "recent", cursor: "d", runStartedAt: new Date() }, { processed: 3_200, expectedTotal: 6_400 });
    await expect.poll(() => row(busy!).textContent(), { timeout: 10_000 }).toContain("3,200 of 6,400 commits");
    expect(page.url()).toBe(`${appUrl}/integrations/${installationId}/repositories`);
  }, 60_000);
});
