import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import nock from "nock";
import { pino } from "pino";
import { ProbotOctokit } from "probot";
import { recordInstallationSnapshot } from "../../src/storage/integrations.js";
import { WebSessionModel } from "../../src/storage/models/web-session.js";
import { setRepositoryGrants } from "../../src/storage/repositories.js";
import { createWebApp } from "../../src/web/app.js";
import { probotHandler } from "../../src/web/probot-handler.js";
import { restInstallation, restRepository } from "../helpers/github-rest.js";
import { createTestProbot } from "../helpers/probot.js";

export const github = () => nock("https://github.com");
export const api = () => nock("https://api.github.com");

export const CLIENT_ID = "Iv1.testclient";
export const PUBLIC_URL = "http://tributary.test";

export interface TestUser {
  id: number;
  login: string;
  /** Installations GitHub lists for this user (`GET /user/installations`). */
  installations: number[];
}

/** The web app on Probot's handler chain, on an ephemeral port, with Probot's 404 behind it as in production. */
export async function startWebApp() {
  nock.enableNetConnect("127.0.0.1");
  const app = createWebApp({
    probot: createTestProbot(),
    config: {
      oauth: { clientId: CLIENT_ID, clientSecret: "client-secret" },
      web: { sessionSecret: "s".repeat(40), sessionSecretGenerated: false, publicUrl: PUBLIC_URL, secureCookies: false },
    },
    Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
    log: pino({ level: process.env.WEB_TEST_LOG ?? "silent" }),
  });
  const handler = probotHandler(app);
  const server: Server = createServer(async (req, res) => {
    if (!(await handler(req, res))) res.writeHead(404).end("probot-not-found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A browser: keeps cookies, never follows redirects by itself (tests look at them). */
export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const response = await send(new URL(path, this.baseUrl), init.method ?? "GET", headers, init.body as string | undefined);
    for (const cookie of response.headers.getSetCookie()) {
      const [pair, ...attributes] = cookie.split(";");
      const [name, ...value] = pair!.split("=");
      const expired = attributes.some((a) => /expires=Thu, 01 Jan 1970/i.test(a)) || value.join("=") === "";
      if (expired) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join("="));
    }
    return response;
  }

  /** Posts a form with the session's CSRF token (unless `csrf: false`). */
  async post(path: string, fields: Record<string, string> = {}, { csrf = true } = {}): Promise<Response> {
    const body = new URLSearchParams(fields);
    if (csrf) body.set("_csrf", await this.csrfToken());
    return this.fetch(path, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: body.toString() });
  }

  /** Calls the JSON API with the session cookie and CSRF header. */
  async api(method: string, path: string, body?: unknown, { csrf = true } = {}): Promise<Response> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (csrf && method !== "GET") headers["x-csrf-token"] = await this.csrfToken();
    return this.fetch(`/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  async csrfToken(): Promise<string> {
    const session = await WebSessionModel.findOne({}).sort({ createdAt: -1 }).lean();
    return session?.csrfToken ?? "none";
  }
}

/** Mocks GitHub's side of the OAuth web flow and `GET /user` for this user. */
export function mockSignIn(user: TestUser, token = `ghu_${user.login}`) {
  github()
    .post("/login/oauth/access_token", (body) => body.client_id === CLIENT_ID && body.code === `code-${user.login}`)
    .reply(200, { access_token: token, token_type: "bearer", expires_in: 28800, refresh_token: `ghr_${user.login}`, refresh_token_expires_in: 15897600 });
  api().get("/user").matchHeader("authorization", `token ${token}`).reply(200, { id: user.id, login: user.login, avatar_url: `https://avatars.example/${user.login}` });
}

/** What GitHub answers about the user's access: their installations, and their role in organizations. */
export function mockAccess(user: TestUser, memberships: Record<string, "admin" | "member" | null> = {}) {
  api()
    .get("/user/installations")
    .query({ per_page: 100 })
    .matchHeader("authorization", `token ghu_${user.login}`)
    .reply(200, { total_count: user.installations.length, installations: user.installations.map((id) => restInstallation(id, `org-${id}`)) });
  for (const [org, role] of Object.entries(memberships)) {
    const scope = api().get(`/user/memberships/orgs/${org}`).matchHeader("authorization", `token ghu_${user.login}`);
    if (role) scope.reply(200, { state: "active", role, organization: { login: org } });
    else scope.reply(404, { message: "Not Found" });
  }
}

/** Signs the browser in through the real flow: our redirect to GitHub, GitHub's callback with code and state. */
export async function signIn(browser: Browser, user: TestUser, returnTo = "/integrations") {
  const start = await browser.fetch(`/auth/github?returnTo=${encodeURIComponent(returnTo)}`);
  const authorize = new URL(start.headers.get("location")!);
  mockSignIn(user);
  const callback = await browser.fetch(`/auth/github/callback?code=code-${user.login}&state=${authorize.searchParams.get("state")}`);
  if (callback.status !== 302) throw new Error(`sign-in failed: ${callback.status} ${await callback.text()}`);
  return callback;
}

/** An integration stored as the installation webhook would leave it, with granted repositories. */
export async function givenIntegration(
  installationId: number,
  login: string,
  options: { repositories?: number; suspended?: boolean; selection?: "all" | "selected" } = {},
) {
  await recordInstallationSnapshot(
    restInstallation(installationId, login, {
      suspended_at: options.suspended ? "2026-01-02T00:00:00Z" : null,
      repository_selection: options.selection ?? "all",
      permissions: { metadata: "read", contents: "read", pull_requests: "read", issues: "read", members: "read" },
    }),
  );
  const repos = Array.from({ length: options.repositories ?? 2 }, (_, i) => restRepository(installationId * 100 + i, `${login}/repo-${i}`));
  await setRepositoryGrants(installationId, repos, true, new Date("2026-01-01T00:00:00Z"));
  return repos;
}

/**
 * A bare HTTP request to the app under test. Not fetch: nock's fetch interception consumes request bodies even when
 * the request goes through to a real server.
 */
function send(url: URL, method: string, headers: Headers, body: string | undefined): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: Object.fromEntries(headers) }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          for (const one of [value ?? []].flat()) responseHeaders.append(name, one);
        }
        const status = res.statusCode ?? 500;
        resolve(new Response([204, 304].includes(status) ? null : Buffer.concat(chunks), { status, headers: responseHeaders }));
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** `GET /app` for the install link; optional because only some requests render GitHub links. */
export function mockAppSlug(slug = "tributary-test") {
  api().get("/app").optionally().reply(200, { id: 1, slug, name: "Tributary", owner: { login: "tributary-org" } });
}
