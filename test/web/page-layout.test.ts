import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { freshWebApp, type WebApp } from "./fresh-web-app.js";
import { Browser, givenIntegration, mockAccess, mockAppSlug, signIn, type TestUser } from "./harness.js";

const alice: TestUser = { id: 11, login: "alice", installations: [1001] };
let web: WebApp;
let browser: Browser;

beforeEach(async () => {
  ({ web, browser } = await freshWebApp());
  await givenIntegration(1001, "org-a");
  await signIn(browser, alice);
  mockAppSlug();
  mockAccess(alice, { "org-a": "admin" });
});
afterEach(() => web.close());

describe("every page", () => {
  const sha256 = (code: string) => `'sha256-${createHash("sha256").update(code).digest("base64")}'`;

  it("runs the common script from its head and its own script after the body, each allowed by the policy's hashes", async () => {
    for (const [path, count] of [
      ["/settings/tokens", 1],
      ["/integrations/1001/repositories", 2],
      ["/no/such/page", 1],
    ] as const) {
      const response = await browser.fetch(path);
      const page = await response.text();
      const scripts = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]!);
      expect([path, scripts.length]).toEqual([path, count]);
      expect(page.indexOf("<script>")).toBeLessThan(page.indexOf("</head>"));
      const allowed = /script-src ([^;]+)/.exec(response.headers.get("content-security-policy")!)![1]!.split(" ");
      for (const script of scripts) expect(allowed).toContain(sha256(script));
    }
  });
});
