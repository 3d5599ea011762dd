import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importJobs, requestBackfill } from "../../src/backfill/control.js";
import { claimDelivery, markDeliveryProcessed, storeReceivedDelivery } from "../../src/storage/deliveries.js";
import { markFailed, markImporting, saveCheckpoint } from "../../src/storage/import-statuses.js";
import { ImportStatusModel, SERVICES, type Service } from "../../src/storage/models/import-status.js";
import { IntegrationModel } from "../../src/storage/models/integration.js";
import { JobModel } from "../../src/storage/models/job.js";
import { clearDatabase } from "../helpers/database.js";
import { Browser, givenIntegration, mockAccess, mockAppSlug, signIn, startWebApp, type TestUser } from "./harness.js";

const alice: TestUser = { id: 11, login: "alice", installations: [1001] };
let web: Awaited<ReturnType<typeof startWebApp>>;
let browser: Browser;
let repoIds: number[];

const ticketStates = async () =>
  (await ImportStatusModel.find({ installationId: 1001, service: "tickets" }).sort({ repositoryId: 1 }).lean()).map((s) => s.state);
/** Imports of a service that a queued job will read: a job of their own, or the first-pages job naming them. */
const queuedImports = async (service: Service) =>
  [...(await importJobs(repoIds, [service])).values()].filter((jobs) => jobs[service]?.state === "queued").length;
const queuedTicketJobs = () => queuedImports("tickets");

beforeEach(async () => {
  await clearDatabase();
  web = await startWebApp();
  browser = new Browser(web.url);
  mockAppSlug();
  repoIds = (await givenIntegration(1001, "org-a", { repositories: 3 })).map((repo) => Number(repo.id));
  await requestBackfill(1001);
  await signIn(browser, alice);
  mockAccess(alice, { "org-a": "admin" });
});
afterEach(() => web.close());

describe("services", () => {
  it("turning tickets off stops its imports, turning it on queues its backfill again (page form)", async () => {
    expect(await ticketStates()).toEqual(["pending", "pending", "pending"]);
    expect(await queuedTicketJobs()).toBe(3);

    const off = await browser.post("/integrations/1001/services/tickets", { enabled: "false" });
    expect(off.headers.get("location")).toBe("/integrations/1001?notice=service-disabled");
    expect((await IntegrationModel.findOne({ installationId: 1001 }).lean())!.services.tickets).toBe(false);
    expect(await ticketStates()).toEqual(["stopped", "stopped", "stopped"]);
    expect(await queuedTicketJobs()).toBe(0);
    // Other services are untouched.
    expect(await queuedImports("pullRequests")).toBe(3);

    const page = await (await browser.fetch("/integrations/1001?notice=service-disabled")).text();
    expect(page).toContain("Service turned off");
    expect(page).toMatch(/role="switch" aria-checked="false" aria-labelledby="service-tickets"/);

    await browser.post("/integrations/1001/services/tickets", { enabled: "true" });
    expect(await ticketStates()).toEqual(["pending", "pending", "pending"]);
    expect(await queuedTicketJobs()).toBe(3);
    const audit = (await IntegrationModel.findOne({ installationId: 1001 }).lean())!.audit.map((entry) => [entry.action, entry.actor?.login]);
    expect(audit).toEqual([
      ["web.service_disabled.tickets", "alice"],
      ["web.service_enabled.tickets", "alice"],
    ]);
  });

  it("does the same through the API and validates the body", async () => {
    const off = await browser.api("PUT", "/integrations/1001/services/tickets", { enabled: false });
    expect(await off.json()).toEqual({ service: "tickets", enabled: false });
    expect(await ticketStates()).toEqual(["stopped", "stopped", "stopped"]);

    const bad = await browser.api("PUT", "/integrations/1001/services/tickets", { enabled: "yes" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { message: "“enabled” must be true or false.", problems: { enabled: "“enabled” must be true or false." } } });
    expect((await browser.api("PUT", "/integrations/1001/services/wiki", { enabled: true })).status).toBe(400);
  });
});

describe("rename", () => {
  it("renames from the page and records who did it", async () => {
    const response = await browser.post("/integrations/1001/name", { name: "  Platform team  " });
    expect(response.headers.get("location")).toBe("/integrations/1001?notice=renamed");
    const integration = await IntegrationModel.findOne({ installationId: 1001 }).lean();
    expect(integration!.name).toBe("Platform team");
    expect(integration!.audit.at(-1)).toMatchObject({ action: "web.renamed", actor: { id: 11, login: "alice" } });
    expect(await (await browser.fetch("/integrations")).text()).toContain("Platform team");
  });

  it("sends the form back with the problem next to the name and the name kept, for a blank or too long name", async () => {
    const blank = await browser.post("/integrations/1001/name", { name: "   " });
    expect(blank.status).toBe(400);
    const page = await blank.text();
    const field = /<input id="name"[^>]*>/.exec(page)![0];
    for (const attribute of ['value="   "', 'aria-invalid="true"', 'aria-describedby="name-error"']) expect(field).toContain(attribute);
    expect(page).toContain('<p class="field-error" id="name-error">The name must not be empty.</p>');
    expect(page).toContain('aria-current="page">Overview</a>');

    const long = "x".repeat(101);
    const tooLong = await (await browser.post("/integrations/1001/name", { name: long })).text();
    expect(tooLong).toContain(`value="${long}"`);
    expect(tooLong).toContain('<p class="field-error" id="name-error">The name must be at most 100 characters.</p>');
    expect((await IntegrationModel.findOne({ installationId: 1001 }).lean())!.name).toBe("org-a");
  });

  it("renames through the API, refusing an empty name", async () => {
    const renamed = await browser.api("PATCH", "/integrations/1001", { name: "Data" });
    expect(await renamed.json()).toMatchObject({ installationId: 1001, name: "Data", role: "admin" });
    const empty = await browser.api("PATCH", "/integrations/1001", { name: " " });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toEqual({ error: { message: "The name must not be empty.", problems: { name: "The name must not be empty." } } });
  });
});

describe("repositories and import status", () => {
  it("shows each repository's status, progress and error, with counts, search and a filter", async () => {
    await markImporting(repoIds[0]!, "tickets", { checkpoint: { phase: "recent", cursor: null, runStartedAt: new Date() }, mode: "full", processed: 0 });
    await saveCheckpoint(repoIds[0]!, "tickets", { phase: "recent", cursor: "c1", runStartedAt: new Date() }, { processed: 40, expectedTotal: 100 });
    await markFailed(repoIds[1]!, "pullRequests", "GitHub answered 502");

    const report = (await (await browser.api("GET", "/integrations/1001/repositories")).json()) as {
      counts: Record<string, number>;
      total: number;
      groups: { owner: string; repositories: { fullName: string; state: string; processed: number; errors: string[] }[] }[];
    };
    expect(report.total).toBe(3);
    expect(report.counts).toMatchObject({ importing: 1, failed: 1, pending: 1 });
    expect(report.groups.map((g) => g.owner)).toEqual(["org-a"]);
    expect(report.groups[0]!.repositories.map((r) => [r.fullName, r.state])).toEqual([
      ["org-a/repo-0", "importing"],
      ["org-a/repo-1", "failed"],
      ["org-a/repo-2", "pending"],
    ]);
    expect(report.groups[0]!.repositories[1]!.errors).toEqual(["pullRequests: GitHub answered 502"]);

    const failedOnly = (await (await browser.api("GET", "/integrations/1001/repositories?state=failed")).json()) as typeof report;
    expect(failedOnly.groups[0]!.repositories.map((r) => r.fullName)).toEqual(["org-a/repo-1"]);
    const searched = (await (await browser.api("GET", "/integrations/1001/repositories?q=REPO-2")).json()) as typeof report;
    expect(searched.groups[0]!.repositories.map((r) => r.fullName)).toEqual(["org-a/repo-2"]);
    expect((await browser.api("GET", "/integrations/1001/repositories?state=bogus")).status).toBe(400);

    const page = await (await browser.fetch("/integrations/1001/repositories")).text();
    expect(page).toContain('<progress max="100" value="40"');
    expect(page).toContain('data-live="true"');
    expect(page).toContain("GitHub answered 502");
  });

  it("re-imports one repository on request", async () => {
    await ImportStatusModel.updateMany({}, { $set: { state: "done" } });
    await JobModel.deleteMany({});
    const response = await browser.post(`/integrations/1001/repositories/${repoIds[2]}/import`);
    expect(response.headers.get("location")).toBe("/integrations/1001/repositories?notice=reimport-queued");
    expect((await ImportStatusModel.find({ repositoryId: repoIds[2], state: "pending" }).lean()).map((s) => s.service).sort()).toEqual(["pullRequests", "repos", "tickets"]);
    expect(await ImportStatusModel.countDocuments({ repositoryId: repoIds[0], state: "pending" })).toBe(0);
    const queued = (await importJobs([repoIds[2]!], [...SERVICES])).get(repoIds[2]!) ?? {};
    expect(SERVICES.filter((service) => queued[service]?.state === "queued")).toEqual([...SERVICES]);

    const api = await browser.api("POST", `/integrations/1001/repositories/${repoIds[0]}/import`);
    expect(api.status).toBe(202);
    expect(await api.json()).toEqual({ queued: 3 });
    expect((await browser.api("POST", "/integrations/1001/repositories/424242/import")).status).toBe(404);
  });
});

describe("activity", () => {
  it("shows the audit trail and recent deliveries", async () => {
    await browser.post("/integrations/1001/name", { name: "Renamed" });
    await storeReceivedDelivery({ deliveryId: "d0c5-1001", event: "pull_request", action: "opened", installationId: 1001, repositoryId: repoIds[0]!, body: "{}", lane: null, receivedAt: new Date() });
    await markDeliveryProcessed((await claimDelivery("d0c5-1001", { leaseMs: 60_000 }))!);
    const activity = (await (await browser.api("GET", "/integrations/1001/activity")).json()) as { audit: { action: string }[]; deliveries: unknown[] };
    expect(activity.audit.map((entry) => entry.action)).toEqual(["web.renamed"]);
    expect(activity.deliveries).toEqual([
      expect.objectContaining({ deliveryId: "d0c5-1001", event: "pull_request", action: "opened", state: "processed", repository: { id: repoIds[0], fullName: "org-a/repo-0", granted: true } }),
    ]);
    const page = await (await browser.fetch("/integrations/1001/activity")).text();
    expect(page).toContain("<strong>alice</strong> renamed the integration from “org-a” to “Renamed”");
    expect(page).toContain('<code title="d0c5-1001">d0c5-1001</code>');
  });
});
