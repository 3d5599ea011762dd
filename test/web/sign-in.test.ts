import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { recordAuthorizationRevoked } from "../../src/storage/app-authorizations.js";
import { UserCredentialModel } from "../../src/storage/models/user-credential.js";
import { WebSessionModel } from "../../src/storage/models/web-session.js";
import { clearDatabase } from "../helpers/database.js";
import { Browser, CLIENT_ID, PUBLIC_URL, api, github, mockAccess, mockSignIn, signIn, startWebApp, type TestUser } from "./harness.js";

const octocat: TestUser = { id: 583231, login: "octocat", installations: [] };
let web: Awaited<ReturnType<typeof startWebApp>>;
let browser: Browser;

beforeAll(async () => {
  web = await startWebApp();
});
afterAll(() => web.close());
beforeEach(async () => {
  await clearDatabase();
  browser = new Browser(web.url);
});

describe("sign in with GitHub", () => {
  it("sends a signed-out visitor to sign in, then to GitHub with the app's client and a state", async () => {
    const page = await browser.fetch("/integrations");
    expect(page.status).toBe(302);
    expect(page.headers.get("location")).toBe("/signin?returnTo=%2Fintegrations");
    expect(await (await browser.fetch("/signin?returnTo=%2Fintegrations")).text()).toContain('href="/auth/github?returnTo=%2Fintegrations"');

    const start = await browser.fetch("/auth/github?returnTo=%2Fintegrations");
    const authorize = new URL(start.headers.get("location")!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe("https://github.com/login/oauth/authorize");
    expect(authorize.searchParams.get("client_id")).toBe(CLIENT_ID);
    expect(authorize.searchParams.get("redirect_uri")).toBe(`${PUBLIC_URL}/auth/github/callback`);
    expect(authorize.searchParams.get("state")).toMatch(/^[\w-]{43}$/);
    expect(start.headers.getSetCookie()[0]).toMatch(/^tributary_oauth=.+; Max-Age=600; Path=\/auth; Expires=.+; HttpOnly; SameSite=Lax$/);
  });

  it("signs in on a callback whose state matches, with an httpOnly SameSite=Lax session cookie", async () => {
    const callback = await signIn(browser, octocat, "/settings/tokens");
    expect(callback.headers.get("location")).toBe("/settings/tokens");
    const sessionCookie = callback.headers.getSetCookie().find((cookie) => cookie.startsWith("tributary_session="));
    expect(sessionCookie).toMatch(/HttpOnly; SameSite=Lax$/);
    expect(sessionCookie).not.toContain("Secure");
    // Only hashes and ciphertext are stored.
    const session = await WebSessionModel.findOne({ userId: octocat.id }).lean();
    expect(sessionCookie).not.toContain(session!.idHash);
    expect((await UserCredentialModel.findOne({ userId: octocat.id }).lean())!.accessToken).not.toContain("ghu_octocat");

    const tokens = await browser.fetch("/settings/tokens");
    expect(tokens.status).toBe(200);
    expect(await tokens.text()).toContain("octocat");
  });

  it("refuses a callback whose state does not match (or comes without the state cookie)", async () => {
    await browser.fetch("/auth/github");
    const forged = await browser.fetch("/auth/github/callback?code=code-octocat&state=forged");
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain("state mismatch");

    const stranger = new Browser(web.url);
    expect((await stranger.fetch("/auth/github/callback?code=code-octocat&state=anything")).status).toBe(400);
    expect(await WebSessionModel.countDocuments()).toBe(0);
  });

  it("returns only to paths on this site", async () => {
    const start = await browser.fetch(`/auth/github?returnTo=${encodeURIComponent("//evil.example/phish")}`);
    mockSignIn(octocat);
    const state = new URL(start.headers.get("location")!).searchParams.get("state");
    const callback = await browser.fetch(`/auth/github/callback?code=code-octocat&state=${state}`);
    expect(callback.headers.get("location")).toBe("/integrations");
  });

  it("reports GitHub refusing the code", async () => {
    const start = await browser.fetch("/auth/github");
    github().post("/login/oauth/access_token").reply(200, { error: "bad_verification_code", error_description: "The code passed is incorrect or expired." });
    const state = new URL(start.headers.get("location")!).searchParams.get("state");
    const callback = await browser.fetch(`/auth/github/callback?code=stale&state=${state}`);
    expect(callback.status).toBe(400);
    expect(await callback.text()).toContain("The code passed is incorrect or expired.");
    expect(await WebSessionModel.countDocuments()).toBe(0);
  });

  it("ignores a tampered session cookie", async () => {
    await signIn(browser, octocat);
    browser.cookies.set("tributary_session", `${browser.cookies.get("tributary_session")!.slice(0, -2)}xx`);
    expect((await browser.fetch("/settings/tokens")).status).toBe(302);
  });
});

describe("sign out", () => {
  it("needs the CSRF token, then ends the session", async () => {
    await signIn(browser, octocat);
    expect((await browser.post("/auth/signout", {}, { csrf: false })).status).toBe(403);
    const signOut = await browser.post("/auth/signout");
    expect(signOut.headers.get("location")).toBe("/signin");
    expect(browser.cookies.has("tributary_session")).toBe(false);
    expect(await WebSessionModel.countDocuments()).toBe(0);
  });

  it("happens by itself when the user revokes the app's authorization on GitHub", async () => {
    await signIn(browser, octocat);
    mockAccess(octocat);
    expect((await browser.fetch("/integrations")).status).toBe(200);

    await recordAuthorizationRevoked({ id: octocat.id, login: octocat.login }, new Date(), "delivery-1");
    const after = await browser.fetch("/integrations");
    expect(after.status).toBe(302);
    expect(after.headers.get("location")).toMatch(/^\/signin/);
    expect(await WebSessionModel.countDocuments({ userId: octocat.id })).toBe(0);
    expect(await UserCredentialModel.countDocuments({ userId: octocat.id })).toBe(0);
  });
});

describe("the GitHub user token", () => {
  it("is refreshed with the refresh token once it expired", async () => {
    await signIn(browser, octocat);
    await UserCredentialModel.updateOne({ userId: octocat.id }, { $set: { accessTokenExpiresAt: new Date(Date.now() - 1000) } });
    github()
      .post("/login/oauth/access_token", (body) => body.grant_type === "refresh_token" && body.refresh_token === "ghr_octocat" && body.client_id === CLIENT_ID)
      .reply(200, { access_token: "ghu_renewed", expires_in: 28800, refresh_token: "ghr_renewed", refresh_token_expires_in: 15897600 });
    api().get("/user/installations").query({ per_page: 100 }).matchHeader("authorization", "token ghu_renewed").reply(200, { total_count: 0, installations: [] });
    expect((await browser.fetch("/integrations")).status).toBe(200);
    expect((await UserCredentialModel.findOne({ userId: octocat.id }).lean())!.accessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now());
  });

  it("sends the user to sign in again when GitHub no longer accepts it", async () => {
    await signIn(browser, octocat);
    api().get("/user/installations").query({ per_page: 100 }).times(2).reply(401, { message: "Bad credentials" });
    const page = await browser.fetch("/integrations");
    expect(page.headers.get("location")).toBe("/signin?returnTo=%2Fintegrations");
    const apiCall = await browser.api("GET", "/integrations");
    expect(apiCall.status).toBe(401);
  });
});
