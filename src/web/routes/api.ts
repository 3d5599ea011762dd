import { Router, type Request, type RequestHandler, type Response } from "express";
import { deleteApiToken } from "../../storage/api-tokens.js";
import { issueApiToken, tokensOf } from "../api-tokens.js";
import { testConnection } from "../connection-check.js";
import { dataPage, streamExport } from "../data-api.js";
import type { WebContext } from "../context.js";
import { notFound } from "../http-error.js";
import { reimport, rename, retryDelivery, switchService } from "../integration-actions.js";
import { activityReport, repositoryReport, summarize, troubleshoot } from "../integration-reports.js";
import { activityFilter, deliveryIdParam, idParam, parseInput, renameInput, repositoryFilter, serviceParam, serviceToggleInput, tokenInput } from "../inputs.js";
import { integrationOf, loadIntegration, requireAdmin, requireDataReader, requireViewer, viewerOf } from "../middleware.js";
import { openApiDocument } from "../openapi.js";
import { sendReportCsv } from "../report-download.js";
import { reportRequest } from "../report-inputs.js";
import { integrationReport } from "../../reports/integration-report.js";
import { visibleSummaries } from "../visible-integrations.js";

/**
 * Who may call a route: any signed-in person, one who can see the integration, or one of its admins; `data`: one who
 * can see the integration, with a data-only API token too.
 */
type Access = "public" | "viewer" | "integration" | "admin" | "data";

export interface ApiRoute {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** OpenAPI style (`{param}`), relative to `/api`. */
  path: string;
  access: Access;
  /** The JSON body to send; a route that creates or deletes sets its status first. */
  handle: (req: Request, res: Response) => Promise<unknown>;
}

/** The JSON API: the same capabilities as the pages, for scripts holding an API token (or the browser's session). */
export function apiRoutes(context: WebContext): ApiRoute[] {
  const integration = (res: Response) => integrationOf(res).integration;
  const summary = async (res: Response) => summarize(integration(res), integrationOf(res).role, await context.links());
  return [
    { method: "get", path: "/openapi.json", access: "public", handle: async () => openApiDocument(context.publicUrl) },
    {
      method: "get",
      path: "/me",
      access: "viewer",
      handle: async (_req, res) => {
        const { id, login, avatarUrl, via } = viewerOf(res);
        return { id, login, avatarUrl, via };
      },
    },
    {
      method: "get",
      path: "/integrations",
      access: "viewer",
      handle: async (_req, res) => ({ integrations: await visibleSummaries(context.access, viewerOf(res), await context.links()) }),
    },
    { method: "get", path: "/integrations/{installationId}", access: "integration", handle: async (_req, res) => summary(res) },
    {
      method: "patch",
      path: "/integrations/{installationId}",
      access: "admin",
      handle: async (req, res) => {
        const { name } = parseInput(renameInput, req.body);
        await rename(viewerOf(res), integration(res), name);
        return { ...(await summary(res)), name };
      },
    },
    {
      method: "put",
      path: "/integrations/{installationId}/services/{service}",
      access: "admin",
      handle: async (req, res) => {
        const service = parseInput(serviceParam, req.params.service);
        const { enabled } = parseInput(serviceToggleInput, req.body);
        await switchService(viewerOf(res), integration(res), service, enabled);
        return { service, enabled };
      },
    },
    {
      method: "get",
      path: "/integrations/{installationId}/repositories",
      access: "integration",
      handle: async (req, res) => repositoryReport(integration(res), repositoryFilter(req.query)),
    },
    {
      method: "post",
      path: "/integrations/{installationId}/repositories/{repositoryId}/import",
      access: "admin",
      handle: async (req, res) => {
        const queued = await reimport(viewerOf(res), integration(res), parseInput(idParam, req.params.repositoryId));
        res.status(202);
        return { queued };
      },
    },
    { method: "post", path: "/integrations/{installationId}/connection-test", access: "integration", handle: async (_req, res) => testConnection(context.probot, integration(res)) },
    {
      method: "get",
      path: "/integrations/{installationId}/troubleshooting",
      access: "integration",
      handle: async (_req, res) => ({ problems: await troubleshoot(integration(res), await context.links()) }),
    },
    {
      method: "get",
      path: "/integrations/{installationId}/activity",
      access: "integration",
      handle: async (req, res) => activityReport(integration(res), activityFilter(req.query)),
    },
    {
      method: "post",
      path: "/integrations/{installationId}/deliveries/{deliveryId}/retry",
      access: "admin",
      handle: async (req, res) => {
        const deliveryId = parseInput(deliveryIdParam, req.params.deliveryId);
        await retryDelivery(viewerOf(res), integration(res), deliveryId);
        // Accepted: the inbox processor takes it up at its next poll.
        res.status(202);
        return { deliveryId, state: "received" };
      },
    },
    { method: "get", path: "/integrations/{installationId}/data/{kind}", access: "data", handle: async (req, res) => dataPage(integration(res).installationId, req) },
    {
      method: "get",
      path: "/integrations/{installationId}/export",
      access: "data",
      handle: async (_req, res) => {
        await streamExport(integration(res).installationId, res);
        return undefined;
      },
    },
    {
      method: "get",
      path: "/integrations/{installationId}/reports",
      access: "integration",
      handle: async (req, res) => integrationReport(integration(res).installationId, reportRequest(req.query)),
    },
    {
      method: "get",
      path: "/integrations/{installationId}/reports.csv",
      access: "integration",
      handle: async (req, res) => sendReportCsv(integration(res).installationId, req.query, res),
    },
    {
      method: "get",
      path: "/tokens",
      access: "viewer",
      handle: async (_req, res) => ({ tokens: await tokensOf(viewerOf(res).id) }),
    },
    {
      method: "post",
      path: "/tokens",
      access: "viewer",
      handle: async (req, res) => {
        const { token, record } = await issueApiToken(viewerOf(res), parseInput(tokenInput, req.body));
        // The token is in this response only: no cache may keep a copy.
        res.status(201).set("cache-control", "no-store");
        return { ...record, token };
      },
    },
    {
      method: "delete",
      path: "/tokens/{tokenId}",
      access: "viewer",
      handle: async (req, res) => {
        if (!(await deleteApiToken(viewerOf(res).id, String(req.params.tokenId)))) throw notFound();
        res.status(204);
        return undefined;
      },
    },
  ];
}

export const expressPath = (path: string) => path.replace(/\{(\w+)\}/g, ":$1");

export function apiRouter(context: WebContext, routes: ApiRoute[]): Router {
  const router = Router();
  const guards: Record<Access, RequestHandler[]> = {
    public: [],
    viewer: [requireViewer],
    integration: [requireViewer, loadIntegration(context)],
    admin: [requireViewer, loadIntegration(context), requireAdmin],
    data: [requireDataReader, loadIntegration(context)],
  };
  for (const route of routes) {
    router[route.method](expressPath(route.path), ...guards[route.access], async (req, res) => {
      const body = await route.handle(req, res);
      if (body === undefined) res.end();
      else res.json(body);
    });
  }
  return router;
}
