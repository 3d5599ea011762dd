import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiTokenModel } from "../../src/storage/models/api-token.js";
import { freshWebApp, type WebApp } from "./fresh-web-app.js";
import { Browser, givenIntegration, mockAccess, mockAppSlug, signIn, type TestUser } from "./harness.js";

const alice: TestUser = { id: 11, login: "alice", installations: [1001] };
const DAY_MS = 24 * 60 * 60 * 1000;
let web: WebApp;
let browser: Browser;

beforeEach(async () => {
  ({ web, browser } = await freshWebApp());
  await givenIntegration(1001, "org-a");
  await givenIntegration(2002, "org-b");
  await signIn(browser, alice);
});
afterEach(() => web.close());

/** A script: no cookies, only the token. */
const withToken = (token: string, method: string, path: string, body?: unknown) =>
  new Browser(web.url).fetch(`/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const shownToken = (page: string) => /<p class="token" id="new-token">(trb_[\w-]+)</.exec(page)?.[1];

/** Creates a token through the API; its id and the token itself. */
async function createToken(body: Record<string, unknown>) {
  const created = await browser.api("POST", "/tokens", body);
  expect(created.status).toBe(201);
  return (await created.json()) as { id: string; token: string; expiresAt: string | null };
}

describe("API tokens in the web UI", () => {
  it("are created by a form that redirects, shown once with a copy button and never cached, and stored hashed", async () => {
    const posted = await browser.post("/settings/tokens", { name: "reporting", expiresInDays: "never" });
    expect(posted.status).toBe(303);
    expect(posted.headers.get("location")).toBe("/settings/tokens");
    const handOver = posted.headers.getSetCookie().find((cookie) => cookie.startsWith("tributary_new_token="));
    expect(handOver).toMatch(/; Max-Age=120; Path=\/settings\/tokens; Expires=.+; HttpOnly; SameSite=Lax$/);

    const shown = await browser.fetch("/settings/tokens");
    expect(shown.headers.get("cache-control")).toBe("no-store");
    const page = await shown.text();
    const token = shownToken(page);
    expect(token).toBeDefined();
    expect(page).toContain('<button type="button" data-copy="new-token" hidden>Copy</button>');
    expect(handOver).not.toContain(token);
    const stored = await ApiTokenModel.findOne({ userId: alice.id }).lean();
    expect(stored).toMatchObject({ name: "reporting", login: "alice", prefix: token!.slice(0, 10), expiresAt: null });
    expect(JSON.stringify(stored)).not.toContain(token);

    // Reloading shows the list without the token, and creates nothing.
    expect(browser.cookies.has("tributary_new_token")).toBe(false);
    const reloaded = await (await browser.fetch("/settings/tokens")).text();
    expect(reloaded).not.toContain(token);
    expect(reloaded).toContain("reporting");
    expect(await ApiTokenModel.countDocuments()).toBe(1);
  });

  it("show a new token to the person who created it only", async () => {
    await browser.post("/settings/tokens", { name: "mine", expiresInDays: "30" });
    const mallory = new Browser(web.url);
    await signIn(mallory, { id: 66, login: "mallory", installations: [] });
    mallory.cookies.set("tributary_new_token", browser.cookies.get("tributary_new_token")!);
    expect(shownToken(await (await mallory.fetch("/settings/tokens")).text())).toBeUndefined();
  });

  it("send the form back with each problem next to its field and the values kept", async () => {
    const blank = await browser.post("/settings/tokens", { name: "  ", expiresInDays: "90" });
    expect(blank.status).toBe(400);
    const page = await blank.text();
    expect(page).toContain('name="name" required maxlength="100" placeholder="e.g. reporting script" value="  " aria-invalid="true" aria-describedby="token-name-error">');
    expect(page).toContain('<p class="field-error" id="token-name-error">The name must not be empty.</p>');
    expect(page).toContain('<option value="90" selected>in 90 days</option>');

    const badExpiry = await (await browser.post("/settings/tokens", { name: "nightly", expiresInDays: "365" })).text();
    expect(badExpiry).toContain('value="nightly"');
    expect(badExpiry).toContain('<p class="field-error" id="token-expiry-error">The expiry must be 7, 30 or 90 days, or never.</p>');
    expect(await ApiTokenModel.countDocuments()).toBe(0);
  });

  it("list each token's expiry and last use, and say when there are none", async () => {
    expect(await (await browser.fetch("/settings/tokens")).text()).toContain("You have no API tokens yet.");
    const { id, token } = await createToken({ name: "weekly", expiresInDays: 7 });
    const { id: expiredId } = await createToken({ name: "old", expiresInDays: 30 });
    await ApiTokenModel.updateOne({ _id: expiredId }, { $set: { expiresAt: new Date("2026-01-02T03:04:00Z") } });
    await withToken(token, "GET", "/me");
    const { lastUsedAt, expiresAt } = (await ApiTokenModel.findById(id).lean())!;

    const page = await (await browser.fetch("/settings/tokens")).text();
    const row = (tokenId: string) => new RegExp(`<tr data-token="${tokenId}">.*?</tr>`, "s").exec(page)?.[0];
    expect(row(id)).toContain(`<time datetime="${lastUsedAt!.toISOString()}">`);
    expect(row(id)).toContain(`<time datetime="${expiresAt!.toISOString()}">`);
    expect(row(expiredId)).toContain('<span class="badge bad">expired</span> <time datetime="2026-01-02T03:04:00.000Z">2026-01-02 03:04 UTC</time>');
    expect(row(expiredId)).toMatch(/<td><span class="muted">never<\/span><\/td><td><span class="badge bad">expired/);
  });
});

describe("API tokens for scripts", () => {
  it("act as their owner without CSRF", async () => {
    const { token } = await createToken({ name: "ci" });
    mockAppSlug();
    mockAccess(alice, { "org-a": "admin" });
    expect(await (await withToken(token, "GET", "/me")).json()).toEqual({ id: 11, login: "alice", avatarUrl: null, via: "token" });
    const renamed = await withToken(token, "PATCH", "/integrations/1001", { name: "Scripted" });
    expect(renamed.status).toBe(200);
    expect((await withToken(token, "GET", "/integrations/2002")).status).toBe(404);
  });

  it("are managed through the API, never cached when created, and stop working once deleted", async () => {
    const created = await browser.api("POST", "/tokens", { name: "ci" });
    expect(created.headers.get("cache-control")).toBe("no-store");
    const { id, token } = (await created.json()) as { id: string; token: string };
    expect((await (await browser.api("GET", "/tokens")).json()) as unknown).toEqual({
      tokens: [{ id, name: "ci", prefix: token.slice(0, 10), createdAt: expect.any(String), lastUsedAt: null, expiresAt: null, scope: "full" }],
    });
    const invalid = await browser.api("POST", "/tokens", { name: "", expiresInDays: 12 });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({
      error: {
        message: "The name must not be empty. The expiry must be 7, 30 or 90 days, or never.",
        problems: { name: "The name must not be empty.", expiresInDays: "The expiry must be 7, 30 or 90 days, or never." },
      },
    });

    expect((await browser.api("DELETE", `/tokens/${id}`)).status).toBe(204);
    expect((await browser.api("DELETE", `/tokens/${id}`)).status).toBe(404);
    const refused = await withToken(token, "GET", "/me");
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({
      error: { message: "This API token is not valid: it was deleted, or is mistyped. Create a new one under API tokens in the web UI." },
    });
  });

  it("expire after the days chosen, and are then refused with a 401 that says so", async () => {
    const before = Date.now();
    const { id, token, expiresAt } = await createToken({ name: "weekly", expiresInDays: 7 });
    expect(Date.parse(expiresAt!) - before).toBeGreaterThanOrEqual(7 * DAY_MS);
    expect(Date.parse(expiresAt!) - Date.now()).toBeLessThanOrEqual(7 * DAY_MS);
    expect((await withToken(token, "GET", "/me")).status).toBe(200);

    await ApiTokenModel.updateOne({ _id: id }, { $set: { expiresAt: new Date("2026-03-01T12:00:00Z") } });
    const refused = await withToken(token, "GET", "/me");
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({
      error: { message: "This API token expired on 2026-03-01 12:00 UTC. Create a new one under API tokens in the web UI." },
    });
  });

  it("record their last use to the minute: no write for a use within a minute of the last one", async () => {
    const { id, token } = await createToken({ name: "busy" });
    const lastUsed = async () => (await ApiTokenModel.findById(id).lean())!.lastUsedAt;
    await withToken(token, "GET", "/me");
    const first = await lastUsed();
    expect(first).toBeInstanceOf(Date);
    await withToken(token, "GET", "/me");
    expect(await lastUsed()).toEqual(first);

    const twoMinutesAgo = new Date(Date.now() - 2 * 60 * 1000);
    await ApiTokenModel.updateOne({ _id: id }, { $set: { lastUsedAt: twoMinutesAgo } });
    await withToken(token, "GET", "/me");
    expect((await lastUsed())!.getTime()).toBeGreaterThan(twoMinutesAgo.getTime() + 60 * 1000);
  });

  it("cannot be deleted by someone else", async () => {
    const { id } = await createToken({ name: "mine" });
    const mallory = new Browser(web.url);
    await signIn(mallory, { id: 66, login: "mallory", installations: [] });
    expect((await mallory.api("DELETE", `/tokens/${id}`)).status).toBe(404);
    expect(await ApiTokenModel.countDocuments()).toBe(1);
  });
});
