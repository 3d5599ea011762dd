import { Router, type Response } from "express";
import { installAppUrl } from "../../domain/github-links.js";
import { deleteApiToken } from "../../storage/api-tokens.js";
import { findConnectionCheck } from "../../storage/connection-checks.js";
import { issueApiToken, tokensOf } from "../api-tokens.js";
import { testConnection } from "../connection-check.js";
import type { WebContext } from "../context.js";
import { reimport, rename, retryDelivery, switchService } from "../integration-actions.js";
import { activityReport, repositoryProgress, repositoryReport, summarize, troubleshoot, type IntegrationSummary } from "../integration-reports.js";
import { activityFilter, deliveryIdParam, idParam, parseForm, parseInput, renameInput, repositoryFilter, repositoryIdsInput, serviceParam, serviceToggleForm, tokenForm } from "../inputs.js";
import { integrationOf, loadIntegration, requireAdmin, requireViewer, viewerOf } from "../middleware.js";
import { handOverNewToken, takeNewToken } from "../new-token-cookie.js";
import { visibleSummaries } from "../visible-integrations.js";
import { activityTab } from "../views/activity-tab.js";
import {
  connectionTab,
  integrationPage,
  overviewTab,
  troubleshootingTab,
  type Tab,
} from "../views/integration-page.js";
import { integrationsPage } from "../views/integrations-page.js";
import { overallProgressView, repositoriesPath, repositoriesTab, repositoryRow, repositoryUnderWay, stateSummary } from "../views/repositories-tab.js";
import { tokensPage } from "../views/tokens-page.js";
import { reportsTab } from "../views/reports-tab.js";
import { integrationReport } from "../../reports/integration-report.js";
import { sendReportCsv } from "../report-download.js";
import { reportRequest } from "../report-inputs.js";
import type { SafeHtml } from "../views/html.js";
import type { PageScript } from "../views/scripts.js";

/** The server-rendered pages: integrations, one integration's tabs, API tokens. Forms post back and redirect. */
export function pageRoutes(context: WebContext): Router {
  const router = Router();
  router.get("/", (_req, res) => res.redirect("/integrations"));

  router.get("/integrations", requireViewer, async (_req, res) => {
    const viewer = viewerOf(res);
    const links = await context.links();
    res.type("html").send(integrationsPage(viewer, await visibleSummaries(context.access, viewer, links), installAppUrl(links)));
  });

  // Never cached: the page may hold a new token, and its form posts with the session's CSRF token.
  router.get("/settings/tokens", requireViewer, async (req, res) => {
    const viewer = viewerOf(res);
    const created = takeNewToken(req, res, context, viewer);
    res.set("cache-control", "no-store").type("html").send(tokensPage(viewer, await tokensOf(viewer.id), { created }));
  });
  // Post/Redirect/Get: reloading the page that shows the new token does not create another.
  router.post("/settings/tokens", requireViewer, async (req, res) => {
    const viewer = viewerOf(res);
    const { input, invalid } = parseForm(tokenForm, req.body);
    if (invalid) return void res.status(400).set("cache-control", "no-store").type("html").send(tokensPage(viewer, await tokensOf(viewer.id), { form: invalid }));
    const { token } = await issueApiToken(viewer, input);
    handOverNewToken(res, context, viewer, { name: input.name, token });
    res.redirect(303, "/settings/tokens");
  });
  router.post("/settings/tokens/:tokenId/delete", requireViewer, async (req, res) => {
    await deleteApiToken(viewerOf(res).id, String(req.params.tokenId));
    res.redirect(303, "/settings/tokens");
  });

  const one = Router({ mergeParams: true });
  router.use("/integrations/:installationId", requireViewer, loadIntegration(context), one);

  const show = async (res: Response, tab: Tab, content: (summary: IntegrationSummary) => SafeHtml, script?: PageScript) => {
    const { integration, role } = integrationOf(res);
    const summary = await summarize(integration, role, await context.links());
    const notice = typeof res.req.query.notice === "string" ? res.req.query.notice : undefined;
    res.type("html").send(integrationPage({ viewer: viewerOf(res), summary, tab, content: content(summary), notice, script }));
  };
  const back = (res: Response, path: string, notice: string) =>
    res.redirect(`/integrations/${integrationOf(res).integration.installationId}${path}?notice=${notice}`);

  one.get("/", (_req, res) => show(res, "overview", (summary) => overviewTab(viewerOf(res), summary)));
  one.get("/repositories", async (req, res) => {
    const filter = repositoryFilter(req.query);
    const report = await repositoryReport(integrationOf(res).integration, filter);
    await show(res, "repositories", (summary) => repositoriesTab(viewerOf(res), summary, report, filter), "liveRepositories");
  });
  // The live part of the page: the rows on screen and the overall bar, rendered as the page renders them.
  one.get("/repositories/progress", async (req, res) => {
    const { integration, role } = integrationOf(res);
    const filter = repositoryFilter(req.query);
    const progress = await repositoryProgress(integration, filter, parseInput(repositoryIdsInput, req.query.ids));
    const now = new Date();
    const row = { viewer: viewerOf(res), installationId: integration.installationId, admin: role === "admin", filter, now };
    res.set("cache-control", "no-store").json({
      live: progress.overall !== null || progress.repositories.some(repositoryUnderWay),
      overall: overallProgressView(progress.overall, now).value,
      summary: stateSummary(progress.counts, integration.installationId, filter).value,
      rows: Object.fromEntries(progress.repositories.map((repo) => [repo.githubId, repositoryRow(repo, row).value])),
    });
  });
  one.get("/connection", async (_req, res) => {
    const last = await findConnectionCheck(integrationOf(res).integration.installationId);
    await show(res, "connection", (summary) => connectionTab(viewerOf(res), summary, null, last));
  });
  // Testing changes nothing but the stored result, so members may run it too.
  one.post("/connection", async (_req, res) => {
    const report = await testConnection(context.probot, integrationOf(res).integration);
    await show(res, "connection", (summary) => connectionTab(viewerOf(res), summary, report, null));
  });
  one.get("/troubleshooting", async (_req, res) => {
    const problems = await troubleshoot(integrationOf(res).integration, await context.links());
    await show(res, "troubleshooting", () => troubleshootingTab(problems));
  });
  one.get("/activity", async (req, res) => {
    const activity = await activityReport(integrationOf(res).integration, activityFilter(req.query));
    await show(res, "activity", (summary) => activityTab(viewerOf(res), summary, activity));
  });
  one.get("/reports", async (req, res) => {
    const request = reportRequest(req.query);
    const report = await integrationReport(integrationOf(res).integration.installationId, request);
    await show(res, "reports", (summary) => reportsTab(summary, report, request));
  });
  one.get("/reports.csv", (req, res) => sendReportCsv(integrationOf(res).integration.installationId, req.query, res));

  one.post("/name", requireAdmin, async (req, res) => {
    const { input, invalid } = parseForm(renameInput, req.body);
    if (invalid) return show(res.status(400), "overview", (summary) => overviewTab(viewerOf(res), summary, invalid));
    await rename(viewerOf(res), integrationOf(res).integration, input.name);
    back(res, "", "renamed");
  });
  one.post("/services/:service", requireAdmin, async (req, res) => {
    const service = parseInput(serviceParam, req.params.service);
    const { enabled } = parseInput(serviceToggleForm, req.body);
    await switchService(viewerOf(res), integrationOf(res).integration, service, enabled);
    back(res, "", enabled ? "service-enabled" : "service-disabled");
  });
  one.post("/repositories/:repositoryId/import", requireAdmin, async (req, res) => {
    const { integration } = integrationOf(res);
    await reimport(viewerOf(res), integration, parseInput(idParam, req.params.repositoryId));
    res.redirect(repositoriesPath(integration.installationId, repositoryFilter(req.query), { notice: "reimport-queued" }));
  });
  one.post("/deliveries/:deliveryId/retry", requireAdmin, async (req, res) => {
    await retryDelivery(viewerOf(res), integrationOf(res).integration, parseInput(deliveryIdParam, req.params.deliveryId));
    back(res, "/activity", "delivery-retried");
  });

  return router;
}

