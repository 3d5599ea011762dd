import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importJobs } from "../../src/backfill/control.js";
import { SERVICES } from "../../src/storage/models/import-status.js";
import { freshWebApp, type WebApp } from "./fresh-web-app.js";
import { Browser, givenIntegration, mockAccess, mockAppSlug, signIn, type TestUser } from "./harness.js";

const alice: TestUser = { id: 11, login: "alice", installations: [1001] };
let web: WebApp;
let browser: Browser;

beforeEach(async () => {
  ({ web, browser } = await freshWebApp());
  await givenIntegration(1001, "org-a");
});
afterEach(() => web.close());

/** The error page's heading, message and way back. */
async function errorPage(response: Response) {
  expect(response.headers.get("content-type")).toMatch(/^text\/html/);
  const page = await response.text();
  return {
    title: /<h1 id="error-title">(.*?)<\/h1>/.exec(page)?.[1],
    message: /<p role="alert">(.*?)<\/p>/.exec(page)?.[1],
    back: /<a class="button primary" href="([^"]+)">(.*?)<\/a>/.exec(page)?.slice(1),
  };
}

const signedInAsOwner = async () => {
  await signIn(browser, alice);
  mockAppSlug();
  mockAccess(alice, { "org-a": "admin" });
};

describe("a page that is not there", () => {
  it("is a 404 page with a way back, for any unknown address", async () => {
    const signedOut = await browser.fetch("/no/such/page");
    expect(signedOut.status).toBe(404);
    expect(await errorPage(signedOut)).toEqual({ title: "Page not found", message: "There is no page at this address.", back: ["/signin", "Sign in"] });

    await signIn(browser, alice);
    const signedIn = await browser.fetch("/settings/nothing-here");
    expect(signedIn.status).toBe(404);
    expect((await errorPage(signedIn)).back).toEqual(["/integrations", "Back to your integrations"]);
  });

  it("names what is missing when the address is known", async () => {
    await signIn(browser, alice);
    const missing = await browser.fetch("/integrations/999999/activity");
    expect(missing.status).toBe(404);
    expect(await errorPage(missing)).toMatchObject({
      title: "Page not found",
      message: "There is no integration 999999 among those your GitHub account can access.",
    });
  });
});

describe("bad parameters on pages", () => {
  it("are refused (400) with a sentence that says what is wrong", async () => {
    await signedInAsOwner();
    const cases = [
      [await browser.fetch("/integrations/1001/repositories?state=bogus"), "The import status must be one of failed, importing, pending, stopped, done or not_started."],
      [await browser.post("/integrations/1001/repositories/abc/import"), "The id in the address must be a positive whole number."],
      [await browser.post("/integrations/1001/services/wiki", { enabled: "true" }), "The service must be one of repos, pullRequests or tickets."],
      [await browser.post("/integrations/1001/services/tickets", { enabled: "perhaps" }), "“enabled” must be true or false."],
    ] as const;
    for (const [response, message] of cases) {
      expect(response.status).toBe(400);
      expect(await errorPage(response)).toEqual({ title: "That request is not valid", message, back: ["/integrations", "Back to your integrations"] });
    }
  });

  it("include a form too large to read (413)", async () => {
    await signIn(browser, alice);
    const tooLarge = await browser.post("/integrations/1001/name", { name: "x".repeat(17 * 1024) });
    expect(tooLarge.status).toBe(413);
    expect(await errorPage(tooLarge)).toMatchObject({ title: "Too large", message: "The request body is larger than the 16 KB this app accepts." });
  });
});

describe("the JSON API's errors", () => {
  const post = (path: string, headers: Record<string, string>, body?: string) => browser.fetch(`/api${path}`, { method: "POST", headers, body });

  it("tell a caller without credentials how to authenticate (401)", async () => {
    const anonymous = await browser.fetch("/api/me");
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: { message: "Sign in first, or send an API token as `Authorization: Bearer <token>`." } });
    const notOurs = await browser.fetch("/api/me", { headers: { authorization: "Bearer ghp_not_a_tributary_token" } });
    expect(notOurs.status).toBe(401);
    expect(await notOurs.json()).toEqual({ error: { message: expect.stringMatching(/^This API token is not valid/) } });
  });

  it("refuse a body over 64 KB (413), one that is not JSON (400), and one of another content type (415)", async () => {
    await signIn(browser, alice);
    const csrf = { "x-csrf-token": await browser.csrfToken() };
    const tooLarge = await post("/tokens", { ...csrf, "content-type": "application/json" }, JSON.stringify({ name: "x".repeat(65 * 1024) }));
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toEqual({ error: { message: "The request body is larger than the 64 KB this app accepts." } });

    const broken = await post("/tokens", { ...csrf, "content-type": "application/json" }, '{"name": "ci"');
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({ error: { message: "The request body is not valid JSON." } });

    const text = await post("/tokens", { ...csrf, "content-type": "text/plain" }, '{"name": "ci"}');
    expect(text.status).toBe(415);
    expect(await text.json()).toEqual({
      error: { message: "The API reads JSON bodies only: send them with `Content-Type: application/json` (this one came with text/plain)." },
    });
    expect(await (await browser.api("GET", "/tokens")).json()).toEqual({ tokens: [] });
  });

  it("take a request without a body, whatever its content type", async () => {
    await signedInAsOwner();
    const headers = { "x-csrf-token": await browser.csrfToken() };
    expect((await post("/integrations/1001/repositories/100100/import", headers)).status).toBe(202);
    expect((await importJobs([100100], [...SERVICES])).get(100100)).toBeDefined();
  });
});
