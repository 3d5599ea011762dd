import express, { type ErrorRequestHandler, type Express } from "express";
import type { Logger } from "pino";
import type { Probot } from "probot";
import type { Config } from "../config.js";
import { reportDatabaseError } from "../db/health.js";
import { gitHubWebUrl } from "../domain/github-links.js";
import { AccessControl } from "./access-control.js";
import { appSlugReader } from "./app-slug.js";
import type { WebContext } from "./context.js";
import { HttpError, InvalidInput, notFound } from "./http-error.js";
import { authenticate, requireJsonBody, verifyCsrf } from "./middleware.js";
import { apiRouter, apiRoutes } from "./routes/api.js";
import { authRoutes, signInUrl } from "./routes/auth.js";
import { pageRoutes } from "./routes/pages.js";
import { setupRoutes } from "./routes/setup.js";
import { UserGitHub, type OctokitClass } from "./user-github.js";
import { UserTokenStore } from "./user-tokens.js";
import { Sessions } from "./viewer.js";
import { contentSecurityPolicy } from "./views/layout.js";
import { errorPage } from "./views/simple-pages.js";

export interface WebAppOptions {
  /** The app's identity: JWT for `GET /app`, installation tokens for connection tests. */
  probot: Probot;
  config: Pick<Config, "githubBaseUrl" | "web"> & { oauth: NonNullable<Config["oauth"]> };
  /** Octokit for calls with a person's token (tests turn off retries and throttling). */
  Octokit: OctokitClass;
  log: Logger;
  /** How long GitHub's answer about a person's access is cached. */
  accessTtlMs?: number;
}

export function createWebContext({ probot, config, Octokit, log, accessTtlMs }: WebAppOptions): WebContext {
  const webUrl = gitHubWebUrl(config.githubBaseUrl);
  const oauth = { ...config.oauth, webUrl, redirectUri: `${config.web.publicUrl}/auth/github/callback` };
  const tokens = new UserTokenStore(config.web.sessionSecret, oauth);
  const appSlug = appSlugReader(probot);
  return {
    probot,
    log,
    oauth,
    tokens,
    sessions: new Sessions(config.web.sessionSecret, config.web.secureCookies, tokens),
    access: new AccessControl({ tokens, Octokit, githubBaseUrl: config.githubBaseUrl, log, ttlMs: accessTtlMs }),
    userGitHub: (token) => new UserGitHub(Octokit, token, { baseUrl: config.githubBaseUrl, log }),
    links: async () => ({ webUrl, appSlug: await appSlug() }),
    publicUrl: config.web.publicUrl,
    secret: config.web.sessionSecret,
    secureCookies: config.web.secureCookies,
  };
}

/**
 * The web UI and JSON API as an Express app. It answers every path it is asked about, unknown ones with its own 404:
 * the webhook intake and the health check come before it.
 */
export function createWebApp(options: WebAppOptions): Express {
  const context = createWebContext(options);
  const app = express();
  const securityPolicy = contentSecurityPolicy(context.oauth.webUrl);
  app.disable("x-powered-by");
  app.use((_req, res, next) => {
    res.set({
      "content-security-policy": securityPolicy,
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
      "referrer-policy": "same-origin",
    });
    next();
  });
  app.use(express.urlencoded({ extended: false, limit: "16kb" }), express.json({ limit: "64kb" }));
  app.use(authenticate(context), verifyCsrf);

  app.use("/api", requireJsonBody, apiRouter(context, apiRoutes(context)));
  app.use("/api", () => {
    throw new HttpError(404, "No such API route");
  });
  app.use(authRoutes(context), setupRoutes(context), pageRoutes(context));
  app.use(() => {
    throw notFound("There is no page at this address.");
  });
  app.use(errorHandler(context));
  return app;
}

function errorHandler(context: WebContext): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const known =
      error instanceof HttpError
        ? error
        : (bodyError(error) ??
          (reportDatabaseError(context.log, error, "web request") ? new HttpError(503, "The database is not answering right now: try again in a minute.") : null));
    if (!known) context.log.error({ err: error, path: req.path }, "web request failed");
    const status = known?.status ?? 500;
    const message = known?.message ?? "Something went wrong on our side; it has been logged.";
    if (req.originalUrl.startsWith("/api/")) {
      return void res.status(status).json({ error: { message, ...(known instanceof InvalidInput && { problems: known.problems }) } });
    }
    if (status === 401) return res.redirect(signInUrl(req));
    res.status(status).type("html").send(errorPage(status, message, res.locals.viewer));
  };
}

/** What body-parser's errors (http-errors with a `type`) mean to the client, in a sentence. */
function bodyError(error: unknown): HttpError | null {
  if (typeof error !== "object" || error === null || !("type" in error) || !("status" in error)) return null;
  if (typeof error.status !== "number" || error.status >= 500) return null;
  if (error.type === "entity.too.large" && "limit" in error && typeof error.limit === "number") {
    return new HttpError(413, `The request body is larger than the ${error.limit / 1024} KB this app accepts.`);
  }
  if (error.type === "entity.parse.failed") return new HttpError(400, "The request body is not valid JSON.");
  return new HttpError(error.status, "The request body could not be read: check its content type, character set and encoding.");
}
