import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { Role } from "../domain/access.js";
import type { StoredIntegration } from "../storage/integrations.js";
import type { WebContext } from "./context.js";
import { safeEqual } from "./crypto.js";
import { HttpError, notFound } from "./http-error.js";
import type { Viewer } from "./viewer.js";
import { visibleIntegration } from "./visible-integrations.js";

declare global {
  namespace Express {
    interface Locals {
      viewer?: Viewer;
      integration?: StoredIntegration;
      role?: Role;
    }
  }
}

export function viewerOf(res: Response): Viewer {
  if (!res.locals.viewer) throw new HttpError(401, "Sign in first, or send an API token as `Authorization: Bearer <token>`.");
  return res.locals.viewer;
}

export function integrationOf(res: Response): { integration: StoredIntegration; role: Role } {
  const { integration, role } = res.locals;
  if (!integration || !role) throw notFound();
  return { integration, role };
}

export function authenticate(context: WebContext): RequestHandler {
  return async (req, res, next) => {
    res.locals.viewer = (await context.sessions.viewerOf(req)) ?? undefined;
    next();
  };
}

/** A signed-in person, or an API token of full scope: a data-only token reaches the data API alone. */
export function requireViewer(_req: Request, res: Response, next: NextFunction): void {
  if (viewerOf(res).scope !== "full") {
    throw new HttpError(403, "This API token may read the data API only (/api/integrations/{id}/data/… and /export): create a token with full access for anything else.");
  }
  next();
}

/** A signed-in person, or an API token of any scope: every scope reads the data API. */
export function requireDataReader(_req: Request, res: Response, next: NextFunction): void {
  viewerOf(res);
  next();
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A browser sends the session cookie with any request, so a state-changing one must also prove it came from our
 * page: the session's CSRF token, in the form field `_csrf` or the `X-CSRF-Token` header. API tokens are never
 * sent by a browser on its own and need no such proof.
 */
export function verifyCsrf(req: Request, res: Response, next: NextFunction): void {
  const viewer = res.locals.viewer;
  if (SAFE_METHODS.has(req.method) || !viewer || viewer.via === "token") return next();
  const body = req.body as Record<string, unknown> | undefined;
  const sent = typeof body?._csrf === "string" ? body._csrf : req.get("x-csrf-token");
  if (!sent || !viewer.csrfToken || !safeEqual(sent, viewer.csrfToken)) throw new HttpError(403, "Missing or invalid CSRF token: reload the page and try again");
  next();
}

/** Loads `:installationId` for the viewer; another account's integration is indistinguishable from none (404). */
export function loadIntegration(context: WebContext): RequestHandler {
  return async (req, res, next) => {
    const installationId = Number(req.params.installationId);
    const missing = notFound(`There is no integration ${String(req.params.installationId)} among those your GitHub account can access.`);
    if (!Number.isSafeInteger(installationId) || installationId <= 0) throw missing;
    const viewer = viewerOf(res);
    const integration = await visibleIntegration(context.access, viewer, installationId).catch((error: unknown) => {
      throw error instanceof HttpError && error.status === 404 ? missing : error;
    });
    res.locals.integration = integration;
    res.locals.role = await context.access.role(viewer, integration);
    next();
  };
}

export function requireAdmin(_req: Request, res: Response, next: NextFunction): void {
  if (integrationOf(res).role !== "admin") {
    throw new HttpError(403, "Only owners of the organization (or the account itself) can change this integration.");
  }
  next();
}

/** Bytes follow the headers (an empty body, as some clients send with POST, counts as none). */
const hasBody = (req: Request) => req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;

/** The JSON API reads JSON only: any other body is refused (415) rather than read as no body at all. */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  if (hasBody(req) && !req.is("application/json")) {
    const sent = req.get("content-type") ?? "no content type";
    throw new HttpError(415, `The API reads JSON bodies only: send them with \`Content-Type: application/json\` (this one came with ${sent}).`);
  }
  next();
}
