import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { WebhookEvent, WebhookEventName } from "@octokit/webhooks-types";
import { TokenStore } from "./auth/tokens.js";
import type { ServerContext } from "./context.js";
import { controlRoutes } from "./control.js";
import { graphqlRoute } from "./graphql/route.js";
import { authenticate, callerKey } from "./http/authenticate.js";
import { readBody } from "./http/request.js";
import { Router } from "./http/router.js";
import { apiError, json, type ApiRequest, type Identity, type Reply, type Route } from "./http/types.js";
import type { Installation } from "./installation.js";
import { FaultInjector } from "./limits/faults.js";
import { PrimaryLimits, primaryLimitMessage } from "./limits/rate-limits.js";
import { SECONDARY_LIMIT_MESSAGE, SecondaryLimits } from "./limits/secondary-limits.js";
import { oauthRoutes } from "./oauth.js";
import { resolveOptions, type GitHubServerOptions } from "./options.js";
import { GeneratedOrg } from "./org/generate.js";
import { appRoutes } from "./rest/routes/apps.js";
import { issueRoutes } from "./rest/routes/issues.js";
import { peopleRoutes } from "./rest/routes/people.js";
import { pullRoutes } from "./rest/routes/pulls.js";
import { repositoryRoutes } from "./rest/routes/repos.js";
import { Urls } from "./rest/urls.js";
import { Simulator, type ActivityOptions, type InstallOptions, type RepositoryChange } from "./simulate.js";
import { Stats, type StatsSnapshot } from "./stats.js";
import { DeliveryLog, type Delivery } from "./webhooks/deliveries.js";
import { InFlight } from "./webhooks/in-flight.js";
import { sendWebhook } from "./webhooks/send.js";

export interface GitHubServer {
  /** Web root (OAuth); set GHE_HOST to its host and GHE_PROTOCOL=http. */
  url: string;
  /** REST base URL (`${url}/api/v3`). */
  apiUrl: string;
  graphqlUrl: string;
  port: number;
  org: GeneratedOrg;
  context: ServerContext;
  stats(): StatsSnapshot;
  resetStats(): void;
  /** The app's first installation, if any. */
  installation(): Installation | null;
  /** Every installation of the app, oldest first (see ServerContext's `installations`). */
  installations(): Installation[];
  simulateInstall(options?: InstallOptions): Promise<{ installation: Installation; delivery: Delivery }>;
  simulateRepositoryChange(change: RepositoryChange): Promise<Delivery[]>;
  simulateActivity(options: ActivityOptions): Promise<Delivery[]>;
  sendWebhook<Name extends WebhookEventName>(name: Name, payload: WebhookEvent): Promise<Delivery>;
  /** Resolves once every webhook send under way (redeliveries run in the background) has been made and recorded. */
  webhooksSettled(): Promise<void>;
  close(): Promise<void>;
}

type Mount = "rest" | "graphql" | "web" | "control";

const API_HEADERS = {
  "x-github-media-type": "github.v3; format=json",
  "x-github-api-version-selected": "2022-11-28",
  vary: "Accept, Authorization, Cookie, X-GitHub-OTP",
};

function mountOf(pathname: string): { mount: Mount; path: string } {
  if (pathname === "/api/graphql") return { mount: "graphql", path: "/graphql" };
  if (pathname.startsWith("/api/v3/") || pathname === "/api/v3") return { mount: "rest", path: pathname.slice("/api/v3".length) || "/" };
  if (pathname.startsWith("/_control/")) return { mount: "control", path: pathname.slice("/_control".length) };
  return { mount: "web", path: pathname };
}

const etagOf = (body: string) => `W/"${createHash("sha1").update(body).digest("hex")}"`;

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  return header.split(",").some((tag) => tag.trim() === "*" || bare(tag) === bare(etag));
}

/** Starts the GitHub-compatible server: REST under /api/v3, GraphQL at /api/graphql, OAuth at the root. */
export async function startGitHubServer(input: GitHubServerOptions = {}): Promise<GitHubServer> {
  const options = resolveOptions(input);
  const generated = new GeneratedOrg(options.org);
  const stats = new Stats();
  const context: ServerContext = {
    options,
    generated,
    urls: new Urls("http://127.0.0.1"),
    tokens: new TokenStore(options.installationTokenTtlMs),
    stats,
    deliveries: new DeliveryLog(),
    webhooksInFlight: new InFlight(),
    installations: [],
    appCreatedAt: options.org.historyEnd.getTime() - 30 * 24 * 3_600_000,
    now: () => Date.now(),
  };
  const simulator = new Simulator(context);
  if (options.installation.preinstalled) simulator.createInstallation(options.installation.id, options.installation.repositories);

  const primary = new PrimaryLimits(options.rateLimit);
  const secondary = new SecondaryLimits(options.secondaryLimit);
  const faults = new FaultInjector(options.faults);

  const rateLimitRoute: Route = {
    method: "GET",
    template: "/rate_limit",
    auth: "token",
    handle(request) {
      const key = callerKey(request.identity!, options.app.id);
      const now = context.now();
      const view = (resource: "core" | "graphql") => {
        const bucket = primary.bucket(key, resource, now);
        return { limit: bucket.limit, remaining: bucket.remaining, reset: Math.ceil(bucket.resetAt / 1000), used: bucket.used, resource };
      };
      const search = { limit: 30, remaining: 30, reset: Math.ceil((now + 60_000) / 1000), used: 0, resource: "search" };
      return json({ resources: { core: view("core"), graphql: view("graphql"), search }, rate: view("core") });
    },
  };

  const routers: Record<Mount, Router> = {
    rest: new Router().add(
      ...appRoutes(context),
      ...repositoryRoutes(context),
      ...pullRoutes(context),
      ...issueRoutes(context),
      ...peopleRoutes(context),
      rateLimitRoute,
    ),
    graphql: new Router().add(graphqlRoute(context)),
    web: new Router().add(...oauthRoutes(context)),
    control: new Router(),
  };

  const send = (res: ServerResponse, reply: Reply, extraHeaders: Record<string, string>) => {
    stats.status(reply.status);
    const headers: Record<string, string> = { ...extraHeaders, ...reply.headers };
    if (reply.text !== undefined) {
      headers["content-type"] ??= "text/plain; charset=utf-8";
      res.writeHead(reply.status, headers).end(reply.text);
      return;
    }
    const body = reply.body === undefined || reply.status === 304 ? "" : JSON.stringify(reply.body);
    if (body) headers["content-type"] = "application/json; charset=utf-8";
    res.writeHead(reply.status, headers).end(body);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", context.urls.web);
    let { mount, path } = mountOf(url.pathname);
    // GitHub's redirect target for renamed repositories: /repositories/{id}/... serves /repos/{owner}/{name}/...
    const byId = mount === "rest" ? /^\/repositories\/(\d+)(\/.*)?$/.exec(path) : null;
    if (byId) {
      const repo = generated.repoById(Number(byId[1]));
      if (repo) path = `/repos/${generated.org.login}/${repo.name}${byId[2] ?? ""}`;
    }
    const matched = routers[mount].match(method, path);
    const isApi = mount === "rest" || mount === "graphql";
    const baseHeaders: Record<string, string> = isApi ? { ...API_HEADERS, "x-github-request-id": randomBytes(8).toString("hex").toUpperCase() } : {};

    if (!matched || !("route" in matched)) {
      if (mount !== "control") stats.request(`${method} (unmatched)`);
      send(res, matched ? apiError(405, "Method Not Allowed") : apiError(404, "Not Found"), baseHeaders);
      return;
    }
    const { route, params } = matched;
    if (mount !== "control") stats.request(`${method} ${route.template}`);

    if (isApi) {
      const fault = faults.next();
      if (fault === "reset") {
        stats.current.faults.resets += 1;
        req.socket.destroy();
        return;
      }
      if (fault === "error") {
        stats.current.faults.errors += 1;
        send(res, { status: 502, body: { message: "Server Error" } }, baseHeaders);
        return;
      }
    }

    const body = await readBody(req);
    const now = context.now();
    const auth = authenticate(req.headers.authorization, route.auth, { jwt: { appId: options.app.id, clientId: options.app.clientId, ...(options.appKey && { publicKey: options.appKey }) }, tokens: context.tokens, installations: context.installations, now });
    if (auth && "status" in auth) {
      send(res, auth, baseHeaders);
      return;
    }
    const identity: Identity | null = auth;
    const caller = identity ? callerKey(identity, options.app.id) : null;

    let release = () => {};
    if (isApi && caller) {
      const admission = secondary.admit(caller, method === "GET" || mount === "graphql" ? 1 : 5, now);
      if (!admission.admitted) {
        stats.current.rateLimited.secondary += 1;
        const refusal = apiError(options.secondaryLimit.status, SECONDARY_LIMIT_MESSAGE, "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits");
        send(res, refusal, { ...baseHeaders, "retry-after": String(admission.retryAfterSeconds) });
        return;
      }
      release = admission.release;
    }
    try {
      // Latency is time the request spends in flight, so it counts towards the concurrency limit.
      const delay = isApi ? faults.delayMs() : 0;
      if (delay > 0) await sleep(delay);
      const bucket = route.resource && caller ? primary.bucket(caller, route.resource, now) : null;
      if (bucket && route.resource === "core" && bucket.remaining === 0) {
        stats.current.rateLimited.primary += 1;
        send(res, apiError(403, primaryLimitMessage(caller!), "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit"), { ...baseHeaders, ...bucket.headers() });
        return;
      }
      const request: ApiRequest = { method, url, query: url.searchParams, headers: req.headers, params, body, identity, rateLimit: bucket };
      let reply = await route.handle(request);
      const headers = { ...baseHeaders };
      if (reply.status === 200 && method === "GET" && reply.body !== undefined && isApi) {
        const etag = etagOf(JSON.stringify(reply.body));
        headers.etag = etag;
        headers["cache-control"] = "private, max-age=60, s-maxage=60";
        // A conditional request answered 304 does not count against the primary limit.
        if (matchesEtag(req.headers["if-none-match"], etag)) reply = { status: 304, ...(reply.headers && { headers: reply.headers }) };
      }
      if (bucket && route.resource === "core" && reply.status !== 304) bucket.charge(1);
      if (reply.status === 304) stats.notModified(`${method} ${route.template}`);
      send(res, reply, bucket ? { ...headers, ...bucket.headers() } : headers);
    } finally {
      release();
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, apiError(500, error instanceof Error ? error.message : String(error)), {});
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  context.urls = new Urls(`http://${options.host}:${port}`);

  const api: GitHubServer = {
    url: context.urls.web,
    apiUrl: context.urls.api,
    graphqlUrl: `${context.urls.web}/api/graphql`,
    port,
    org: generated,
    context,
    stats: () => stats.read(),
    resetStats: () => stats.reset(),
    installation: () => context.installations[0] ?? null,
    installations: () => context.installations,
    simulateInstall: (installOptions) => simulator.install(installOptions),
    simulateRepositoryChange: (change) => simulator.changeRepositories(change),
    simulateActivity: (activity) => simulator.run(activity),
    sendWebhook: (name, payload) => sendWebhook(context, { name, payload }),
    webhooksSettled: () => context.webhooksInFlight.settled(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  routers.control.add(...controlRoutes(api, { resetLimits: () => (primary.reset(), secondary.reset()) }));
  return api;
}
