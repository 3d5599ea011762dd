import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { freshWebApp, type WebApp } from "./fresh-web-app.js";
import { Browser, givenIntegration, mockAccess, signIn, type TestUser } from "./harness.js";

const owner: TestUser = { id: 7, login: "owner-a", installations: [1001] };
let web: WebApp;
let browser: Browser;

beforeEach(async () => {
  ({ web, browser } = await freshWebApp());
  await givenIntegration(1001, "org-a");
});
afterEach(() => web.close());

describe("GitHub's setup callback", () => {
  it.each(["install", "update"])("lands on the integration after %s once GitHub confirms the user can access it", async (action) => {
    await signIn(browser, owner);
    mockAccess(owner);
    const landing = await browser.fetch(`/github/setup?installation_id=1001&setup_action=${action}`);
    expect(landing.status).toBe(302);
    expect(landing.headers.get("location")).toBe("/integrations/1001");
  });

  it("rejects a forged installation id", async () => {
    await givenIntegration(2002, "org-b");
    await signIn(browser, owner);
    mockAccess(owner);
    const forged = await browser.fetch("/github/setup?installation_id=2002&setup_action=install");
    expect(forged.status).toBe(404);
    expect(await forged.text()).not.toContain("org-b");
  });

  it("waits for the installation webhook when the integration is not stored yet", async () => {
    const newcomer = { ...owner, installations: [1001, 3003] };
    await signIn(browser, newcomer);
    mockAccess(newcomer);
    const waiting = await browser.fetch("/github/setup?installation_id=3003&setup_action=install");
    expect(waiting.status).toBe(200);
    expect(await waiting.text()).toContain('http-equiv="refresh"');
  });

  it("asks a signed-out visitor to sign in first and comes back afterwards", async () => {
    const landing = await browser.fetch("/github/setup?installation_id=1001&setup_action=install");
    expect(landing.headers.get("location")).toBe(`/signin?returnTo=${encodeURIComponent("/github/setup?installation_id=1001&setup_action=install")}`);
  });

  it("explains a request: it went to the owners, and the integration appears by itself once approved", async () => {
    const page = await browser.fetch("/github/setup?setup_action=request");
    const text = await page.text();
    expect(page.status).toBe(200);
    expect(text).toContain("Your request was sent to the organization's owners");
    expect(text).toContain("appears by itself");
  });

  it("refuses a malformed callback", async () => {
    expect((await browser.fetch("/github/setup?setup_action=install&installation_id=abc")).status).toBe(400);
  });
});
