import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCREENSHOTS, signIn, startBrowserStack, type BrowserStack } from "./harness.js";

const PHONE = { width: 390, height: 844 };

let stack: BrowserStack;
let overview: string;
/**
 * How each avatar request ended: the local GitHub names avatar URLs but answers them 404 (with JSON, which Chromium
 * blocks before the page sees it).
 */
const avatarLoads: string[] = [];

beforeAll(async () => {
  // Avatars as the local GitHub serves them: not at all.
  stack = await startBrowserStack({ avatars: false });
  const { page, appUrl, github } = stack;
  page.on("response", (response) => {
    if (response.url().includes("/avatars/")) avatarLoads.push(String(response.status()));
  });
  page.on("requestfailed", (request) => {
    if (request.url().includes("/avatars/")) avatarLoads.push("failed");
  });
  await signIn(stack);
  const { installation } = await github.simulateInstall();
  await page.goto(`${appUrl}/github/setup?installation_id=${installation.id}&setup_action=install`);
  overview = `${appUrl}/integrations/${installation.id}`;
  await page.waitForURL(overview);
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

/** Signs the stack's browser out, then in again as `login` on the local GitHub. */
async function signInAs(login: string): Promise<void> {
  await stack.page.getByRole("button", { name: "Sign out" }).click();
  await stack.page.getByRole("heading", { name: "Sign in to Tributary" }).waitFor();
  stack.github.context.options.signedInUser = login;
  await signIn(stack);
}

const style = (locator: Locator, property: string) =>
  locator.evaluate((element, name) => element.ownerDocument.defaultView!.getComputedStyle(element).getPropertyValue(name), property);

/** The page scrolls sideways only if something on it is wider than the window. */
const pageWidth = (page: Page) => page.evaluate<number>("document.documentElement.scrollWidth");

describe("errors in a browser", () => {
  it("shows a blank rename's problem next to the name, with what was typed kept", async () => {
    const { page, screenshot } = stack;
    await page.goto(overview);
    const name = page.getByLabel("Integration name");
    await name.fill("   ");
    await page.getByRole("button", { name: "Rename" }).click();
    const problem = page.locator("#name-error");
    await problem.waitFor();
    expect(await problem.textContent()).toBe("The name must not be empty.");
    expect(await name.inputValue()).toBe("   ");
    expect(await name.getAttribute("aria-invalid")).toBe("true");
    expect(await name.getAttribute("aria-describedby")).toBe("name-error");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toContain("acme");
    await screenshot("rename-error");
  }, 60_000);

  it("answers an unknown address with a styled 404 and a way back", async () => {
    const { page, appUrl, screenshot } = stack;
    const response = await page.goto(`${appUrl}/integrations-old/reports`);
    expect(response?.status()).toBe(404);
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
    expect(await page.getByRole("alert").textContent()).toBe("There is no page at this address.");
    await screenshot("not-found");
    await page.getByRole("link", { name: "Back to your integrations" }).click();
    await page.getByRole("heading", { name: "Integrations" }).waitFor();
  }, 60_000);
});

describe("API tokens in a browser", () => {
  it("shows a new token once with a copy button, and a reload creates no second token", async () => {
    const { page, appUrl, screenshot } = stack;
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: appUrl });
    await page.goto(`${appUrl}/settings/tokens`);
    await page.getByText("You have no API tokens yet.").waitFor();

    await page.getByLabel("Token name").fill("reporting script");
    await page.getByLabel("Expires").selectOption({ label: "in 30 days" });
    await page.getByRole("button", { name: "Create token" }).click();
    await page.getByRole("heading", { name: "Token reporting script created" }).waitFor();
    expect(page.url()).toBe(`${appUrl}/settings/tokens`);
    const token = (await page.locator("#new-token").textContent())!;
    expect(token).toMatch(/^trb_[\w-]{43}$/);

    await page.getByRole("button", { name: "Copy" }).click();
    await page.getByText("Copied.").waitFor();
    expect(await page.evaluate<string>("navigator.clipboard.readText()")).toBe(token);
    await screenshot("tokens");

    await page.reload();
    await page.getByRole("heading", { name: "API tokens" }).waitFor();
    expect(await page.locator("#new-token").count()).toBe(0);
    expect(await page.locator("tr[data-token]").count()).toBe(1);
    expect(await page.locator("main").textContent()).not.toContain(token);
  }, 60_000);
});

describe("details in a browser", () => {
  it("shows initials where GitHub's avatars do not load", async () => {
    const { page, appUrl } = stack;
    await page.goto(`${appUrl}/integrations`);
    await page.getByRole("link", { name: "acme" }).waitFor();
    await expect.poll(() => avatarLoads.length).toBeGreaterThan(0);
    expect(avatarLoads.filter((outcome) => outcome !== "404" && outcome !== "failed")).toEqual([]);
    // The header's (the signed-in person) and the list's (the organization): initials, no broken picture.
    await expect.poll(() => page.locator(".avatar img").count()).toBe(0);
    expect(await page.locator(".avatar").allTextContents()).toEqual([expect.stringMatching(/^[A-Z]{1,2}$/), "A"]);
    await page.goto(overview);
    await expect.poll(() => page.locator("h1 .avatar img").count()).toBe(0);
    expect(await page.locator("h1 .avatar").textContent()).toBe("A");
  }, 60_000);

  it("shows a member the controls they cannot use as disabled, saying why", async () => {
    const { page, github, screenshot } = stack;
    const member = github.org.org.members.find((candidate) => candidate.role === "member")!.person.login;
    await signInAs(member);
    await page.goto(overview);
    const controls = [page.getByLabel("Integration name"), page.getByRole("button", { name: "Rename" }), ...["Repositories", "Pull requests", "Tickets"].map((name) => page.getByRole("switch", { name }))];
    for (const control of controls) {
      expect(await control.isDisabled()).toBe(true);
      expect(await control.getAttribute("title")).toBe("Only owners of the organization can change this");
      expect(await style(control, "opacity")).toBe("0.5");
      expect(await style(control, "cursor")).toBe("not-allowed");
    }
    expect(await style(page.getByRole("button", { name: "Sign out" }), "opacity")).toBe("1");
    await screenshot("member-view");
    await signInAs(github.org.admins()[0]!.login);
  }, 60_000);

  it("fits a phone's width (tables scroll inside their frame) and shows times in the viewer's time zone, UTC on hover", async () => {
    const { page, appUrl } = stack;
    const phone = await page.context().browser()!.newPage({ viewport: PHONE, timezoneId: "Asia/Tokyo" });
    try {
      await signIn({ ...stack, page: phone });
      for (const path of ["/integrations", new URL(overview).pathname, `${new URL(overview).pathname}/repositories`, "/settings/tokens", "/no/such/page"]) {
        await phone.goto(`${appUrl}${path}`);
        expect([path, await pageWidth(phone)]).toEqual([path, PHONE.width]);
        const header = await phone.locator("header.top nav").boundingBox();
        expect(header!.x + header!.width).toBeLessThanOrEqual(PHONE.width);
      }
      // The token created above: its row is wider than a phone.
      await phone.goto(`${appUrl}/settings/tokens`);
      const frame = phone.locator(".table-wrap").first();
      expect(await frame.evaluate((element) => element.scrollWidth > element.clientWidth)).toBe(true);
      const created = phone.locator("tr[data-token] time").first();
      expect(await created.textContent()).toMatch(/GMT\+9$/);
      expect(await created.getAttribute("title")).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
      await phone.screenshot({ path: `${SCREENSHOTS}/tokens-phone.png`, fullPage: true });
    } finally {
      await phone.close();
    }
    await page.goto(`${appUrl}/integrations`);
    expect(await pageWidth(page)).toBe(1280);
  }, 60_000);
});
