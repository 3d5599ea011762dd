import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiTokenModel } from "../../src/storage/models/api-token.js";
import { freshWebApp, type WebApp } from "./fresh-web-app.js";
import { Browser, givenIntegration, mockAccess, mockAppSlug, signIn, type TestUser } from "./harness.js";

const alice: TestUser = { id: 11, login: "alice", installations: [1001] };
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

describe("API tokens", () => {
  it("are created in the UI, shown once, stored hashed, and act as their owner without CSRF", async () => {
    const created = await (await browser.post("/settings/tokens", { name: "reporting" })).text();
    const token = /class="token">(trb_[\w-]+)</.exec(created)?.[1];
    expect(token).toBeDefined();
    const stored = await ApiTokenModel.findOne({ userId: alice.id }).lean();
    expect(stored).toMatchObject({ name: "reporting", login: "alice", prefix: token!.slice(0, 10) });
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(await (await browser.fetch("/settings/tokens")).text()).not.toContain(token);

    mockAppSlug();
    mockAccess(alice, { "org-a": "admin" });
    expect(await (await withToken(token!, "GET", "/me")).json()).toEqual({ id: 11, login: "alice", avatarUrl: null, via: "token" });
    const renamed = await withToken(token!, "PATCH", "/integrations/1001", { name: "Scripted" });
    expect(renamed.status).toBe(200);
    expect((await withToken(token!, "GET", "/integrations/2002")).status).toBe(404);
    expect((await ApiTokenModel.findOne({ userId: alice.id }).lean())!.lastUsedAt).toBeInstanceOf(Date);
  });

  it("are managed through the API and stop working once deleted", async () => {
    const created = await browser.api("POST", "/tokens", { name: "ci" });
    expect(created.status).toBe(201);
    const { id, token } = (await created.json()) as { id: string; token: string };
    expect((await (await browser.api("GET", "/tokens")).json()) as unknown).toEqual({
      tokens: [{ id, name: "ci", prefix: token.slice(0, 10), createdAt: expect.any(String), lastUsedAt: null }],
    });
    expect((await browser.api("POST", "/tokens", { name: "" })).status).toBe(400);

    expect((await browser.api("DELETE", `/tokens/${id}`)).status).toBe(204);
    expect((await browser.api("DELETE", `/tokens/${id}`)).status).toBe(404);
    const refused = await withToken(token, "GET", "/me");
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: { message: "Sign in first" } });
  });

  it("cannot be deleted by someone else", async () => {
    const { id } = (await (await browser.api("POST", "/tokens", { name: "mine" })).json()) as { id: string };
    const mallory = new Browser(web.url);
    await signIn(mallory, { id: 66, login: "mallory", installations: [] });
    expect((await mallory.api("DELETE", `/tokens/${id}`)).status).toBe(404);
    expect(await ApiTokenModel.countDocuments()).toBe(1);
  });
});
