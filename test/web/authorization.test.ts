import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IntegrationModel } from "../../src/storage/models/integration.js";
import { freshWebApp, type WebApp } from "./fresh-web-app.js";
import { Browser, givenIntegration, mockAccess, mockAppSlug, signIn, type TestUser } from "./harness.js";

// Alice owns org A, Bob is a member of org A, installation 2002 belongs to org B.
const alice: TestUser = { id: 11, login: "alice", installations: [1001] };
const bob: TestUser = { id: 12, login: "bob", installations: [1001] };
const ORG_B = 2002;
const ORG_B_REPO = ORG_B * 100;

const PAGE_READS = ["", "/repositories", "/connection", "/troubleshooting", "/activity"];
const PAGE_CHANGES: [string, Record<string, string>][] = [
  ["/name", { name: "Taken over" }],
  ["/services/tickets", { enabled: "false" }],
  [`/repositories/${ORG_B_REPO}/import`, {}],
  ["/connection", {}],
];
const API_CALLS: [string, string, unknown?][] = [
  ["GET", ""],
  ["PATCH", "", { name: "Taken over" }],
  ["PUT", "/services/tickets", { enabled: false }],
  ["GET", "/repositories"],
  ["POST", `/repositories/${ORG_B_REPO}/import`],
  ["POST", "/connection-test"],
  ["GET", "/troubleshooting"],
  ["GET", "/activity"],
];

let web: WebApp;
let browser: Browser;

beforeEach(async () => {
  ({ web, browser } = await freshWebApp());
  mockAppSlug();
  await givenIntegration(1001, "org-a");
  await givenIntegration(ORG_B, "org-b");
});
afterEach(() => web.close());

describe("who sees which integration", () => {
  it("lists exactly the integrations of the installations GitHub lists for the user", async () => {
    await signIn(browser, alice);
    mockAccess(alice, { "org-a": "admin" });
    const list = await (await browser.fetch("/integrations")).text();
    expect(list).toContain('href="/integrations/1001"');
    expect(list).not.toContain("org-b");
    expect(list).toContain('href="https://github.com/apps/tributary-test/installations/new"');

    const api = (await (await browser.api("GET", "/integrations")).json()) as { integrations: { installationId: number; role: string }[] };
    expect(api.integrations.map((i) => [i.installationId, i.role])).toEqual([[1001, "admin"]]);
  });

  it("answers 404 for another organization's integration on every page and API route, reading or changing", async () => {
    await signIn(browser, alice);
    mockAccess(alice);
    const statuses: Record<string, number> = {};
    for (const path of PAGE_READS) statuses[`GET /integrations/${ORG_B}${path}`] = (await browser.fetch(`/integrations/${ORG_B}${path}`)).status;
    for (const [path, fields] of PAGE_CHANGES) statuses[`POST /integrations/${ORG_B}${path}`] = (await browser.post(`/integrations/${ORG_B}${path}`, fields)).status;
    for (const [method, path, body] of API_CALLS) statuses[`${method} /api/integrations/${ORG_B}${path}`] = (await browser.api(method, `/integrations/${ORG_B}${path}`, body)).status;

    expect(Object.entries(statuses).filter(([, status]) => status !== 404)).toEqual([]);
    expect(Object.keys(statuses)).toHaveLength(PAGE_READS.length + PAGE_CHANGES.length + API_CALLS.length);
    expect(await IntegrationModel.findOne({ installationId: ORG_B }).lean()).toMatchObject({ name: "org-b", services: { tickets: true } });
  });

  it("answers 404 with a JSON error for an unknown or malformed integration id", async () => {
    await signIn(browser, alice);
    const response = await browser.api("GET", "/integrations/999999");
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { message: "There is no integration 999999 among those your GitHub account can access." } });
    expect((await browser.api("GET", "/integrations/not-a-number")).status).toBe(404);
  });

  it("lets a member view but not change settings (403), with the controls disabled and saying why", async () => {
    await signIn(browser, bob);
    mockAccess(bob, { "org-a": "member" });
    const overview = await browser.fetch("/integrations/1001");
    expect(overview.status).toBe(200);
    const page = await overview.text();
    expect(page).toContain("Member: you can view this integration");
    // The name, Rename, and the three service switches.
    const controls = page.slice(page.indexOf("<main")).match(/<(input id="name"|button)[^>]*>/g)!;
    expect(controls).toHaveLength(5);
    for (const control of controls) expect(control).toContain('disabled title="Only owners of the organization can change this"');
    expect((await browser.post("/integrations/1001/name", { name: "Mine" })).status).toBe(403);
    expect((await browser.post("/integrations/1001/services/tickets", { enabled: "false" })).status).toBe(403);
    expect((await browser.post("/integrations/1001/repositories/100100/import")).status).toBe(403);
    const api = await browser.api("PUT", "/integrations/1001/services/tickets", { enabled: false });
    expect(api.status).toBe(403);
    expect(await api.json()).toEqual({ error: { message: expect.stringContaining("Only owners") } });
    expect(await IntegrationModel.findOne({ installationId: 1001 }).lean()).toMatchObject({ name: "org-a", services: { tickets: true } });
  });

  it("refuses a state-changing request without the CSRF token (403), from a form or the API", async () => {
    await signIn(browser, alice);
    expect((await browser.post("/integrations/1001/name", { name: "Forged" }, { csrf: false })).status).toBe(403);
    expect((await browser.post("/integrations/1001/name", { name: "Forged", _csrf: "wrong" }, { csrf: false })).status).toBe(403);
    const api = await browser.api("PATCH", "/integrations/1001", { name: "Forged" }, { csrf: false });
    expect(api.status).toBe(403);
    expect(await api.json()).toEqual({ error: { message: expect.stringContaining("CSRF") } });
    expect((await IntegrationModel.findOne({ installationId: 1001 }).lean())!.name).toBe("org-a");
  });

  it("trusts GitHub's answer about access for a short while", async () => {
    await signIn(browser, alice);
    mockAccess(alice, { "org-a": "admin" });
    expect((await browser.fetch("/integrations/1001")).status).toBe(200);
    // The mocks answer once: a second GitHub call would fail the request.
    const activity = await browser.fetch("/integrations/1001/activity");
    expect(activity.status, await activity.clone().text()).toBe(200);
  });

  it("keeps an uninstalled integration visible to members of its organization only", async () => {
    await IntegrationModel.updateOne({ installationId: ORG_B }, { $set: { status: "uninstalled" } });
    await signIn(browser, alice);
    mockAccess(alice, { "org-b": null });
    expect((await browser.fetch(`/integrations/${ORG_B}`)).status).toBe(404);
  });
});
