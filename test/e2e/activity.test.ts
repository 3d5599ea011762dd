import { createRequire } from "node:module";
import type { WebhookDefinition } from "@octokit/webhooks-examples";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as payloads from "../../tools/github-server/webhooks/payloads.js";
import { signIn, startBrowserStack, type BrowserStack } from "./harness.js";

/*
 * The Activity tab in a browser, after an owner's changes and GitHub's: every entry a sentence saying who changed
 * what on which repository, to the second, GitHub's with their delivery; filters by kind; a dead delivery retried.
 */

let stack: BrowserStack;
let integration: string;
let admin: string;
/** The organization's repositories: the first is re-imported, the second gets a dead delivery, the last is removed. */
let repos: string[];

const examples: WebhookDefinition<"pull_request">[] = createRequire(import.meta.url)("@octokit/webhooks-examples");

beforeAll(async () => {
  stack = await startBrowserStack({ org: { login: "acme", repos: 3, pulls: 2, issues: 2, commits: 4, members: 3 }, inbox: true });
  const { page, appUrl, github } = stack;
  await signIn(stack);
  const { installation } = await github.simulateInstall();
  integration = `${appUrl}/integrations/${installation.id}`;
  await page.goto(`${appUrl}/github/setup?installation_id=${installation.id}&setup_action=install`);
  await page.waitForURL(integration);
  admin = github.org.admins()[0]!.login;
  repos = github.org.org.repos.map((repo) => `acme/${repo.name}`);
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

/** A `pull_request.opened` delivery on a repository of the installation that fails validation: dead on arrival. */
function invalidPullRequest(repository: string) {
  const { github } = stack;
  const example = examples.find(({ name }) => name === "pull_request")!.examples.find((payload) => payload.action === "opened")!;
  const repo = github.org.org.repos.find(({ name }) => `acme/${name}` === repository)!;
  const { number: _dropped, ...pullRequest } = structuredClone(example.pull_request);
  return {
    ...example,
    pull_request: pullRequest,
    repository: payloads.repository(github.context, repo),
    installation: payloads.installationLite(github.installation()!),
  };
}

const activityText = () => stack.page.textContent("main");

describe("the Activity tab in a browser", () => {
  it("says in sentences what an owner and GitHub changed, retries a dead delivery and filters by kind", async () => {
    const { page, github, worker, screenshot } = stack;

    // An owner's changes: rename, Tickets off and on again, a re-import once the first imports are done.
    await page.getByLabel("Integration name").fill("Acme engineering");
    await page.getByRole("button", { name: "Rename" }).click();
    await page.getByText("Integration renamed.").waitFor();
    await page.getByRole("switch", { name: "Tickets" }).click();
    await page.getByText("Service turned off").waitFor();
    await page.getByRole("switch", { name: "Tickets" }).click();
    await page.getByText("Service turned on").waitFor();
    worker.start();
    await page.goto(`${integration}/repositories`);
    await page.locator("#repositories:not([data-live])").waitFor({ timeout: 90_000 });
    await page.getByRole("button", { name: `Import ${repos[0]} again` }).click();
    await page.waitForURL(/notice=reimport-queued/);

    // GitHub's: a repository removed from the installation, and a delivery the inbox cannot process.
    const [removal] = await github.simulateRepositoryChange({ remove: [repos[2]!.split("/")[1]!] });
    const dead = await github.sendWebhook("pull_request", invalidPullRequest(repos[1]!) as never);

    const sentences = [
      `${admin} re-imported ${repos[0]}`,
      `${admin} turned Tickets on`,
      `${admin} turned Tickets off`,
      `${admin} renamed the integration from “acme” to “Acme engineering”`,
      `GitHub: ${admin} removed ${repos[2]} from the installation`,
      `GitHub: ${admin} installed the app with access to ${repos[0]}, ${repos[1]} and ${repos[2]}`,
      `GitHub: pull request opened on ${repos[1]} — gave up after 1 attempt`,
      "invalid payload:",
    ];
    // GitHub was answered once each delivery was stored: they are processed in the background.
    await page.goto(`${integration}/activity`);
    const missing = async () => {
      await page.reload();
      const text = await activityText();
      return sentences.filter((sentence) => !text?.includes(sentence));
    };
    await expect.poll(missing, { timeout: 30_000 }).toEqual([]);

    // GitHub's change names its delivery: event in words and code, id short with the whole on hover, linked to its row.
    const removed = page.locator('tr[data-audit="installation_repositories.removed"]');
    expect(await removed.textContent()).toContain(`repositories removed from the installation (installation_repositories.removed), delivery ${removal!.guid.slice(0, 8)}…`);
    expect(await removed.locator(`code[title="${removal!.guid}"]`).count()).toBe(1);
    expect(await removed.getByRole("link", { name: `${removal!.guid.slice(0, 8)}…` }).getAttribute("href")).toBe(`#delivery-${removal!.guid}`);
    // A removed repository is no longer on the Repositories tab: named, not linked.
    expect(await removed.getByRole("link", { name: repos[2] }).count()).toBe(0);
    // To the second, in the viewer's time zone.
    expect(await removed.locator("time").textContent()).toMatch(/\d{1,2}:\d{2}:\d{2}/);

    await screenshot("activity");

    // The dead delivery, retried: the owner's retry is a sentence too.
    await page.getByRole("button", { name: `Retry delivery ${dead.guid} (pull_request.opened)` }).click();
    await page.getByText("Delivery queued again").waitFor();
    expect(await activityText()).toContain(`${admin} retried the dead delivery ${dead.guid.slice(0, 8)}… (pull request opened on ${repos[1]})`);

    // Filters, as links that say which one is shown.
    await page.getByRole("link", { name: "Changes by people" }).click();
    await page.waitForURL(/kind=people/);
    expect(await page.getByRole("link", { name: "Changes by people" }).getAttribute("aria-current")).toBe("page");
    expect(await activityText()).toContain(`${admin} turned Tickets off`);
    expect(await activityText()).not.toContain("GitHub:");
    expect(await page.getByRole("heading", { name: "Webhook deliveries" }).count()).toBe(0);

    await page.getByRole("link", { name: "GitHub events" }).click();
    await page.waitForURL(/kind=github/);
    expect(await activityText()).toContain(`GitHub: ${admin} removed ${repos[2]} from the installation`);
    expect(await activityText()).not.toContain("turned Tickets");
    expect(await page.getByRole("heading", { name: "Webhook deliveries" }).count()).toBe(1);

    await page.getByRole("link", { name: "Failed deliveries", exact: true }).click();
    await page.waitForURL(/kind=failed/);
    expect(await page.getByRole("heading", { name: "Changes" }).count()).toBe(0);
    const rows = page.locator("tr[data-delivery]");
    await expect.poll(async () => (await page.reload(), rows.count()), { timeout: 30_000 }).toBe(1);
    expect(await rows.first().getAttribute("data-delivery")).toBe(dead.guid);

    // A granted repository links to its row on the Repositories tab.
    await page.getByRole("link", { name: "Changes by people" }).click();
    await page.getByRole("link", { name: repos[0] }).first().click();
    await page.waitForURL(`${integration}/repositories?q=${encodeURIComponent(repos[0]!)}`);
    expect(await page.getByLabel("Search repositories").inputValue()).toBe(repos[0]);
    expect(await page.locator("#repositories").textContent()).toContain(repos[0]);
  }, 180_000);
});
