import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { sign } from "@octokit/webhooks-methods";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { appHandlers } from "../../src/http/handlers.js";
import { startHttpServer, type HttpServer } from "../../src/http/server.js";
import { createLogger } from "../../src/logger.js";
import { clearDatabase } from "../helpers/database.js";
import { TEST_PRIVATE_KEY } from "../helpers/probot.js";
import { exampleAction } from "../helpers/webhooks.js";
import { allowLoopback } from "../tools/github-server/helpers.js";
import { api, Browser, CLIENT_ID, givenIntegration, mockAccess, mockAppSlug, mockSignIn, PUBLIC_URL, type TestUser } from "../web/harness.js";

/*
 * Everything the app logs while people and GitHub use it — sign-in, an API call with a token, a webhook, a request
 * that fails on GitHub's side — at debug level, searched for every secret that passed through.
 */

const secrets = {
  webhookSecret: `whsec-${randomBytes(12).toString("hex")}`,
  clientSecret: `cs-${randomBytes(12).toString("hex")}`,
  sessionSecret: randomBytes(24).toString("hex"),
};
const alice: TestUser = { id: 11, login: "alice", installations: [1001] };
const bob: TestUser = { id: 12, login: "bob", installations: [1001] };

let logged = "";
let server: HttpServer;
const seen: Record<string, string> = {};

async function signIn(browser: Browser, user: TestUser) {
  const start = await browser.fetch("/auth/github?returnTo=%2Fintegrations");
  const state = new URL(start.headers.get("location")!).searchParams.get("state")!;
  mockSignIn(user);
  const callback = await browser.fetch(`/auth/github/callback?code=code-${user.login}&state=${state}`);
  expect(callback.status).toBe(302);
  seen[`${user.login}'s OAuth state`] = state;
  seen[`${user.login}'s OAuth code`] = `code-${user.login}`;
  seen[`${user.login}'s access token`] = `ghu_${user.login}`;
  seen[`${user.login}'s refresh token`] = `ghr_${user.login}`;
  for (const [name, value] of browser.cookies) seen[`${user.login}'s cookie ${name}`] = value;
  seen[`${user.login}'s CSRF token`] = await browser.csrfToken();
}

beforeAll(async () => {
  allowLoopback();
  await clearDatabase();
  const config = loadConfig({
    APP_ID: "1",
    PRIVATE_KEY: TEST_PRIVATE_KEY,
    WEBHOOK_SECRET: secrets.webhookSecret,
    GITHUB_CLIENT_ID: CLIENT_ID,
    GITHUB_CLIENT_SECRET: secrets.clientSecret,
    SESSION_SECRET: secrets.sessionSecret,
    PUBLIC_URL,
    LOG_LEVEL: "debug",
    LOG_FORMAT: "json",
  });
  const capture = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged += chunk.toString();
      done();
    },
  });
  const log = await createLogger(config, capture);
  server = await startHttpServer({ host: "127.0.0.1", port: 0, log, handlers: appHandlers({ ...config, app: config.app! }, log, { claimOnArrival: () => null, arrived: () => {} }) });
});

afterAll(() => server.close());

describe("the app's log", () => {
  it("holds no secret after sign-in, a token's API call, a webhook and a failing request", async () => {
    await givenIntegration(1001, "org-a");
    const browser = new Browser(server.url);
    await signIn(browser, alice);

    const created = await browser.api("POST", "/tokens", { name: "reporting" });
    const { token } = (await created.json()) as { token: string };
    seen["API token"] = token;
    mockAppSlug();
    mockAccess(alice, { "org-a": "admin" });
    const withToken = await new Browser(server.url).fetch("/api/integrations/1001", { headers: { authorization: `Bearer ${token}` } });
    expect(withToken.status).toBe(200);

    const body = JSON.stringify(exampleAction("issues", "opened"));
    const signature = await sign(secrets.webhookSecret, body);
    seen["webhook signature"] = signature.slice("sha256=".length);
    const webhook = await new Browser(server.url).fetch("/api/github/webhooks", {
      method: "POST",
      headers: { "content-type": "application/json", "x-github-event": "issues", "x-github-delivery": "d-1", "x-hub-signature-256": signature },
      body,
    });
    expect(webhook.status).toBe(202);

    const failing = new Browser(server.url);
    await signIn(failing, bob);
    api().get("/user/installations").query(true).matchHeader("authorization", "token ghu_bob").reply(422, { message: "Unprocessable" });
    expect((await failing.api("GET", "/integrations/1001")).status).toBeGreaterThanOrEqual(500);

    // The log saw all of it: the callback, the token's call, the webhook and the failure are each there.
    expect(logged).toMatch(/auth\/github\/callback/);
    expect(logged).toMatch(/"path":"\/api\/integrations\/1001","status":200/);
    expect(logged).toMatch(/"path":"\/api\/github\/webhooks","status":202/);
    expect(logged).toMatch(/"level":50/);
    const leaked = Object.entries({ ...seen, ...secrets, "private key": TEST_PRIVATE_KEY.split("\n")[1]! }).filter(([, value]) => logged.includes(value));
    expect(leaked.map(([name]) => name)).toEqual([]);
  });
});
