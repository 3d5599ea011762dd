import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import nock from "nock";
import { chromium, type Browser, type Page } from "playwright-core";
import { pino } from "pino";
import { Probot, Server } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tributary } from "../../src/app.js";
import { backfillJobHandlers } from "../../src/backfill/jobs.js";
import { loadConfig } from "../../src/config.js";
import { createProbot, probotOptions } from "../../src/github/probot.js";
import { RateBudget } from "../../src/github/rate-budget.js";
import { Worker } from "../../src/jobs/worker.js";
import { webHandler } from "../../src/web/index.js";
import { startGitHubServer, type GitHubServer } from "../../tools/github-server/index.js";
import * as payloads from "../../tools/github-server/webhooks/payloads.js";
import { givenIntegration } from "../web/harness.js";
import { TEST_PRIVATE_KEY } from "../helpers/probot.js";

const SCREENSHOTS = "test/e2e/screenshots";
const OTHER_ORG_INSTALLATION = 990_001;
const AVATAR = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" fill="#8250df"/><circle cx="16" cy="13" r="6" fill="#fff"/><rect x="7" y="22" width="18" height="8" rx="4" fill="#fff"/></svg>`;

let github: GitHubServer;
let app: Server;
let worker: Worker;
let browser: Browser;
let page: Page;
let appUrl: string;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const screenshot = (name: string) => page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });

beforeAll(async () => {
  // Nothing is mocked here: GitHub is the local server. (nock's interception also breaks fetch bodies that pass through.)
  nock.restore();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const port = await freePort();
  appUrl = `http://127.0.0.1:${port}`;
  github = await startGitHubServer({
    org: { login: "acme", repos: 3, pulls: 12, issues: 8, commits: 20, members: 6 },
    app: { webhookUrl: `${appUrl}/api/github/webhooks` },
    installation: { preinstalled: false },
  });
  const admin = github.org.admins()[0]!;
  github.context.options.signedInUser = admin.login;

  const config = loadConfig({
    APP_ID: String(github.context.options.app.id),
    PRIVATE_KEY: TEST_PRIVATE_KEY,
    WEBHOOK_SECRET: github.context.options.app.webhookSecret,
    GITHUB_CLIENT_ID: github.context.options.app.clientId,
    GITHUB_CLIENT_SECRET: github.context.options.app.clientSecret,
    GHE_HOST: new URL(github.url).host,
    GHE_PROTOCOL: "http",
    PUBLIC_URL: appUrl,
    SESSION_SECRET: "e2e".repeat(12),
    PORT: String(port),
  });
  const log = pino({ level: process.env.E2E_LOG ?? "silent" });
  app = new Server({ Probot: Probot.defaults(probotOptions(config.app!, config, log)), host: "127.0.0.1", port, log });
  await app.load(tributary);
  app.addHandler(webHandler(config, log)!);
  await app.start();
  const probot = createProbot(config.app!, config, log);
  // Started when the test wants imports to run, so it can see them waiting first.
  worker = new Worker({ handlers: backfillJobHandlers({ probot, budget: new RateBudget(), log }), log, pollMs: 200 });

  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true });
  page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  // The local GitHub names avatar URLs but serves no images.
  await page.route("**/avatars/**", (route) => route.fulfill({ contentType: "image/svg+xml", body: AVATAR }));
}, 120_000);

afterAll(async () => {
  nock.activate();
  await browser?.close();
  await worker?.stop();
  await app?.stop();
  await github?.close();
});

describe("the web app in a browser", () => {
  it("signs in with GitHub, lands from the setup callback, manages the integration, and signs out", async () => {
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
    await page.goto(`${appUrl}/integrations/${installation.id}/repositories`);
    expect(await page.locator("#repositories").textContent()).toContain("Tickets: pending");
    await page.goto(`${appUrl}/integrations/${installation.id}`);
    await page.getByRole("switch", { name: "Tickets" }).click();
    await page.getByText("Service turned off").waitFor();
    expect(await page.getByRole("switch", { name: "Tickets" }).getAttribute("aria-checked")).toBe("false");
    await page.goto(`${appUrl}/integrations/${installation.id}/repositories`);
    expect(await page.locator("#repositories").textContent()).not.toContain("Tickets:");

    // Tickets on again: queued, then imported while the page watches.
    await page.goto(`${appUrl}/integrations/${installation.id}`);
    await page.getByRole("switch", { name: "Tickets" }).click();
    await page.getByText("Service turned on").waitFor();
    await page.goto(`${appUrl}/integrations/${installation.id}/repositories`);
    expect(await page.locator("#repositories").textContent()).toContain("Tickets: pending");
    worker.start();
    // The page polls while imports are under way: the statuses move on without a reload, until all are done.
    await expect.poll(() => page.locator("#repositories").textContent(), { timeout: 60_000 }).not.toContain("Tickets: pending");
    await screenshot("repositories");
    await page.locator("#repositories:not([data-live])").waitFor({ timeout: 90_000 });
    expect(page.url()).toBe(`${appUrl}/integrations/${installation.id}/repositories`);
    expect(await page.locator("#repositories").textContent()).toContain("3 done");

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
    await page.setViewportSize({ width: 1200, height: 800 });

    // Sign out.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to Tributary" }).waitFor();
    await page.goto(`${appUrl}/integrations/${installation.id}`);
    await page.getByRole("heading", { name: "Sign in to Tributary" }).waitFor();
  }, 120_000);

  it("hides another organization's integration from a signed-in user (404)", async () => {
    await givenIntegration(OTHER_ORG_INSTALLATION, "other-org");
    await page.goto(`${appUrl}/signin`);
    await page.getByRole("link", { name: "Sign in with GitHub" }).click();
    await page.getByRole("heading", { name: "Integrations" }).waitFor();
    expect(await page.textContent("main")).not.toContain("other-org");
    const response = await page.goto(`${appUrl}/integrations/${OTHER_ORG_INSTALLATION}/troubleshooting`);
    expect(response?.status()).toBe(404);
    await page.getByRole("heading", { name: "Not found" }).waitFor();
    const api = await page.request.get(`${appUrl}/api/integrations/${OTHER_ORG_INSTALLATION}`);
    expect(api.status()).toBe(404);
  }, 60_000);
});
