import { mkdirSync } from "node:fs";
import nock from "nock";
import { chromium, type Browser, type Page } from "playwright-core";
import { pino, type Logger } from "pino";
import { Probot, Server } from "probot";
import { tributary } from "../../src/app.js";
import { backfillJobHandlers } from "../../src/backfill/jobs.js";
import { loadConfig } from "../../src/config.js";
import { appHandlers } from "../../src/http/handlers.js";
import { startHttpServer } from "../../src/http/server.js";
import { InboxProcessor } from "../../src/inbox/processor.js";
import { eventDispatcher } from "../../src/webhooks/event-dispatcher.js";
import { createProbot, probotOptions } from "../../src/github/probot.js";
import { RateBudget } from "../../src/github/rate-budget.js";
import { Worker } from "../../src/jobs/worker.js";
import { webHandler } from "../../src/web/index.js";
import { startGitHubServer, type GitHubServer, type GitHubServerOptions } from "../../tools/github-server/index.js";
import { TEST_PRIVATE_KEY } from "../helpers/probot.js";
import { freeLoopbackPort } from "../../src/db/loopback-port.js";

/** Where browser tests leave their screenshots: the README shows them. */
export const SCREENSHOTS = "docs/screenshots";

const AVATAR = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" fill="#8250df"/><circle cx="16" cy="13" r="6" fill="#fff"/><rect x="7" y="22" width="18" height="8" rx="4" fill="#fff"/></svg>`;

export interface BrowserStack {
  github: GitHubServer;
  /** The app's base URL (also its webhook receiver's host). */
  appUrl: string;
  /** The backfill worker: not started, so a test can see imports waiting first; `worker.start()` runs them. */
  worker: Worker;
  page: Page;
  screenshot(name: string): Promise<unknown>;
  close(): Promise<void>;
}

type AppConfig = ReturnType<typeof loadConfig>;

/** Probot's server: a webhook is handled inside its request, before GitHub is answered. */
async function serveWithProbot(config: AppConfig, port: number, log: Logger) {
  const app = new Server({ Probot: Probot.defaults(probotOptions(config.app!, config, log)), host: "127.0.0.1", port, log });
  await app.load(tributary);
  app.addHandler(webHandler(config, log)!);
  await app.start();
  return app;
}

/** As src/main.ts serves: a webhook is stored in the inbox and answered, then processed (the Activity tab lists it). */
async function serveAsDeployed(config: AppConfig, port: number, log: Logger) {
  const handlers = eventDispatcher(log);
  tributary(handlers);
  const inbox = new InboxProcessor({ handlers, log, concurrency: config.inboxConcurrency });
  inbox.start();
  const server = await startHttpServer({ host: "127.0.0.1", port, log, handlers: appHandlers({ ...config, app: config.app! }, log, inbox) });
  return { stop: async () => (await server.close(), await inbox.stop()) };
}

export interface BrowserStackOptions {
  org?: GitHubServerOptions["org"];
  /** Serve a stand-in for avatars (the local GitHub names avatar URLs but answers 404 for them); default true. */
  avatars?: boolean;
  /** Serve as deployed, webhooks through the inbox (see serveAsDeployed); default Probot's server. */
  inbox?: boolean;
}

/**
 * The app as a person meets it: Probot's server with the web UI, the local GitHub server (signed in as the org's
 * first admin, app not installed yet), and Chromium. Nothing is mocked.
 */
export async function startBrowserStack({ org, avatars = true, inbox = false }: BrowserStackOptions = {}): Promise<BrowserStack> {
  // nock's interception breaks fetch bodies that pass through: GitHub here is the local server.
  nock.restore();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const port = await freeLoopbackPort();
  const appUrl = `http://127.0.0.1:${port}`;
  const github = await startGitHubServer({
    org: org ?? { login: "acme", repos: 3, pulls: 12, issues: 8, commits: 20, members: 6 },
    app: { webhookUrl: `${appUrl}/api/github/webhooks` },
    installation: { preinstalled: false },
  });
  github.context.options.signedInUser = github.org.admins()[0]!.login;
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
  const app = inbox ? await serveAsDeployed(config, port, log) : await serveWithProbot(config, port, log);
  const probot = createProbot(config.app!, config, log);
  const worker = new Worker({ handlers: backfillJobHandlers({ probot, budget: new RateBudget(), log }), log, pollMs: 200 });

  const browser: Browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  if (avatars) await page.route("**/avatars/**", (route) => route.fulfill({ contentType: "image/svg+xml", body: AVATAR }));
  return {
    github,
    appUrl,
    worker,
    page,
    screenshot: (name) => page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true }),
    async close() {
      nock.activate();
      await browser.close();
      await worker.stop();
      await app.stop();
      await github.close();
    },
  };
}

/** Signs the browser in through the local GitHub's OAuth flow; lands on the integrations list. */
export async function signIn({ page, appUrl }: BrowserStack): Promise<void> {
  await page.goto(`${appUrl}/signin`);
  await page.getByRole("link", { name: "Sign in with GitHub" }).click();
  await page.getByRole("heading", { name: "Integrations" }).waitFor();
}
