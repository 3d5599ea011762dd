import type { InstallationRepositoriesEvent } from "@octokit/webhooks-types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { claimDelivery, markDeliveryFailed, storeReceivedDelivery } from "../../src/storage/deliveries.js";
import { appendAudit, AUDIT_TRAIL_LENGTH } from "../../src/storage/integrations.js";
import { IntegrationModel } from "../../src/storage/models/integration.js";
import { clearDatabase } from "../helpers/database.js";
import { createTestProbot, deliver } from "../helpers/probot.js";
import { exampleAction, examplePayload } from "../helpers/webhooks.js";
import { Browser, mockAccess, mockAppSlug, signIn, startWebApp, type TestUser } from "./harness.js";

/*
 * The Activity tab and its API as a person reads them: every entry a sentence saying what changed, on which
 * repository, by whom, to the second; GitHub's entries with their delivery's event and id; filters by kind.
 * The integration is the real `installation.created` example's (Codertocat's user account, so Codertocat is its admin).
 */

const probot = createTestProbot();
const INSTALLATION = 957387;
const HELLO_WORLD = 186853002;
const SPACE = 186853007;
const codertocat: TestUser = { id: 21031067, login: "Codertocat", installations: [INSTALLATION] };
const ACTIVITY = `/integrations/${INSTALLATION}/activity`;

interface Entry {
  action: string;
  origin: string;
  sentence: string;
  at: string;
  deliveryId: string | null;
  repositories: { id: number; fullName: string }[];
}
interface Activity {
  kind: string;
  audit: Entry[];
  deliveries: { deliveryId: string; state: string; sentence: string }[];
}

let web: Awaited<ReturnType<typeof startWebApp>>;
let browser: Browser;

/** The real `added` example, turned around: the same installation removing the repository it had added. */
function removed(): InstallationRepositoriesEvent {
  const added = exampleAction("installation_repositories", "added");
  return { ...added, action: "removed", repositories_added: [], repositories_removed: added.repositories_added } as InstallationRepositoriesEvent;
}

/** A pull_request delivery the inbox gave up on, on Hello-World. */
async function deadDelivery(deliveryId: string) {
  await storeReceivedDelivery({ deliveryId, event: "pull_request", action: "opened", installationId: INSTALLATION, repositoryId: HELLO_WORLD, body: "{}", lane: null, receivedAt: new Date() });
  await markDeliveryFailed((await claimDelivery(deliveryId, { leaseMs: 60_000 }))!, "invalid payload: pull_request.number is required", null);
}

const activity = async (query = "") => (await (await browser.api("GET", `${ACTIVITY}${query}`)).json()) as Activity;
const page = async (query = "") => (await browser.fetch(`${ACTIVITY}${query}`)).text();
/** The UTC text formatTime shows to the second (the page script turns it into the viewer's zone). */
const toTheSecond = (iso: string) => `${iso.slice(0, 19).replace("T", " ")} UTC`;

beforeEach(async () => {
  await clearDatabase();
  web = await startWebApp();
  browser = new Browser(web.url);
  mockAppSlug();
  await deliver(probot, "installation", examplePayload("installation", (p) => p.action === "created" && !("requester" in p && p.requester)));
  await signIn(browser, codertocat);
  mockAccess(codertocat);
});
afterEach(() => web.close());

describe("what GitHub reported", () => {
  it("says who did what to which repository, with the delivery's event in words and its id, to the second", async () => {
    await deliver(probot, "installation_repositories", exampleAction("installation_repositories", "added"));
    const removal = await deliver(probot, "installation_repositories", removed());

    const { audit } = await activity();
    expect(audit.map(({ sentence }) => sentence)).toEqual([
      "GitHub: Codertocat removed Codertocat/Space from the installation",
      "GitHub: Codertocat added Codertocat/Space to the installation",
      "GitHub: Codertocat installed the app with access to Codertocat/Hello-World",
    ]);
    expect(audit[0]).toMatchObject({
      action: "installation_repositories.removed",
      origin: "github",
      actor: { id: 21031067, login: "Codertocat" },
      deliveryId: removal,
      repositories: [{ id: SPACE, fullName: "Codertocat/Space", granted: false }],
      repositoryCount: 1,
    });

    const html = await page();
    const row = html.slice(html.indexOf('data-audit="installation_repositories.removed"'));
    expect(row).toMatch(new RegExp(`^[^\n]*<td class="when"><time datetime="${audit[0]!.at}"[^>]*>${toTheSecond(audit[0]!.at)}</time></td>`));
    // A repository the installation no longer grants is not on the Repositories tab: named, not linked.
    expect(row).toContain("GitHub: <strong>Codertocat</strong> removed Codertocat/Space from the installation");
    expect(html).toContain(
      `GitHub: <strong>Codertocat</strong> installed the app with access to <a href="/integrations/${INSTALLATION}/repositories?q=Codertocat%2FHello-World">Codertocat/Hello-World</a>`,
    );
    // The delivery's event in words and as GitHub names it; its id short, whole on hover, linking to its row below.
    expect(row).toContain(
      `repositories removed from the installation (<code>installation_repositories.removed</code>), delivery <a href="#delivery-${removal}"><code title="${removal}">${removal.slice(0, 8)}…</code></a>`,
    );
    expect(html).toContain(`id="delivery-${removal}"`);
    expect(html).toContain("GitHub: repositories removed from the installation — processed");
  });

  it("names the account's old and new login when it is renamed", async () => {
    const { installation, sender } = exampleAction("installation", "created");
    await deliver(probot, "installation_target", {
      action: "renamed",
      account: { ...installation.account, login: "Octocorp" },
      changes: { login: { from: "Codertocat" } },
      installation: { id: INSTALLATION, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uOTU3Mzg3" },
      target_type: "User",
      sender,
    });
    const { audit } = await activity();
    expect(audit[0]).toMatchObject({ renamed: { from: "Codertocat", to: "Octocorp" }, sentence: "GitHub: Codertocat renamed the account from Codertocat to Octocorp" });
    // The repository is named as it is called now.
    expect(audit[1]!.repositories).toEqual([{ id: HELLO_WORLD, fullName: "Octocorp/Hello-World", granted: true }]);
  });
});

describe("what people changed", () => {
  it("says who renamed, switched a service, re-imported and retried what, with links to where", async () => {
    await deadDelivery("d-dead");
    await browser.post(`/integrations/${INSTALLATION}/name`, { name: "Platform team" });
    await browser.post(`/integrations/${INSTALLATION}/services/tickets`, { enabled: "false" });
    await browser.post(`/integrations/${INSTALLATION}/services/tickets`, { enabled: "true" });
    await browser.post(`/integrations/${INSTALLATION}/repositories/${HELLO_WORLD}/import`);
    await browser.post(`/integrations/${INSTALLATION}/deliveries/d-dead/retry`);

    const { audit } = await activity();
    expect(audit.filter(({ origin }) => origin === "person").map(({ sentence }) => sentence)).toEqual([
      "Codertocat retried the dead delivery d-dead (pull request opened on Codertocat/Hello-World)",
      "Codertocat re-imported Codertocat/Hello-World",
      "Codertocat turned Tickets on",
      "Codertocat turned Tickets off",
      "Codertocat renamed the integration from “Codertocat” to “Platform team”",
    ]);
    expect(audit.slice(0, 5)).toMatchObject([
      { action: "web.delivery_retried.d-dead", retriedDelivery: { id: "d-dead", event: "pull_request", action: "opened" }, repositories: [{ id: HELLO_WORLD }] },
      { action: "web.reimport_requested", repositories: [{ id: HELLO_WORLD, fullName: "Codertocat/Hello-World" }] },
      { action: "web.service_enabled.tickets", service: { name: "tickets", enabled: true } },
      { action: "web.service_disabled.tickets", service: { name: "tickets", enabled: false } },
      { action: "web.renamed", renamed: { from: "Codertocat", to: "Platform team" }, deliveryId: null, actor: { login: "Codertocat" } },
    ]);

    const html = await page();
    expect(html).toContain(`<strong>Codertocat</strong> turned <a href="/integrations/${INSTALLATION}#services-heading">Tickets</a> off`);
    expect(html).toContain(`<strong>Codertocat</strong> re-imported <a href="/integrations/${INSTALLATION}/repositories?q=Codertocat%2FHello-World">Codertocat/Hello-World</a>`);
    // The retried delivery is listed again (received), so its id links to its row.
    expect(html).toContain(`retried the dead delivery <a href="#delivery-d-dead"><code title="d-dead">d-dead</code></a> (pull request opened on`);
    expect(html).toContain(toTheSecond(audit[0]!.at));
  });

  it("still says what entries written before their details were recorded mean", async () => {
    const alice = { id: 11, login: "alice" };
    const old = (action: string, actor: typeof alice | null = alice) => ({ action, actor, at: new Date(), deliveryId: null });
    // As earlier versions wrote them: the action alone.
    await IntegrationModel.updateOne(
      { installationId: INSTALLATION },
      {
        $push: {
          audit: [
            old("web.renamed"),
            old("web.service_disabled.tickets"),
            old("web.reimport_requested"),
            old("web.delivery_retried.72d3162e-cc78-11e3-81ab-4c9367dc0958"),
            old("reconcile.repository_revoked", null),
            old("installation.frobnicated", { id: 12, login: "mona" }),
          ],
        },
      },
    );
    const { audit } = await activity();
    expect(audit.slice(0, 6).map(({ sentence }) => sentence)).toEqual([
      "GitHub: installation.frobnicated by mona",
      "Reconciliation: a repository is no longer granted on GitHub, found without a webhook",
      "alice retried the dead delivery 72d3162e-cc78-11e3-81ab-4c9367dc0958",
      "alice re-imported a repository",
      "alice turned Tickets off",
      "alice renamed the integration",
    ]);
    expect(audit[4]).toMatchObject({ service: { name: "tickets", enabled: false }, repositories: [], repositoryCount: 0, renamed: null });
    expect(audit[2]).toMatchObject({ retriedDelivery: { id: "72d3162e-cc78-11e3-81ab-4c9367dc0958", event: null, action: null } });
    expect(await page()).toContain('alice</strong> retried the dead delivery <code title="72d3162e-cc78-11e3-81ab-4c9367dc0958">72d3162e…</code>');
  });
});

describe("a large change", () => {
  it("names the first repositories and counts the rest; the trail keeps its latest entries", async () => {
    const repositories = Array.from({ length: 25 }, (_, i) => ({ id: 9000 + i, fullName: `Codertocat/repo-${i}` }));
    await appendAudit(INSTALLATION, { action: "reconcile.repository_granted", actor: null, at: new Date(), deliveryId: null, repositories: repositories.slice(0, 10), repositoryCount: 25 });
    const { audit } = await activity();
    expect(audit[0]!.sentence).toBe(
      `Reconciliation: ${repositories.slice(0, 10).map(({ fullName }) => fullName).join(", ")} and 15 more are granted on GitHub, found without a webhook`,
    );

    for (let i = 0; i < AUDIT_TRAIL_LENGTH; i++) await appendAudit(INSTALLATION, { action: "web.renamed", actor: { id: 11, login: "alice" }, at: new Date(), deliveryId: null, renamed: { from: `n${i}`, to: `n${i + 1}` } });
    const trail = (await IntegrationModel.findOne({ installationId: INSTALLATION }).lean())!.audit;
    expect(trail).toHaveLength(AUDIT_TRAIL_LENGTH);
    expect(trail[0]!.renamed).toEqual({ from: "n0", to: "n1" });
    expect(trail.at(-1)!.renamed).toEqual({ from: `n${AUDIT_TRAIL_LENGTH - 1}`, to: `n${AUDIT_TRAIL_LENGTH}` });
  });
});

describe("filters by kind", () => {
  beforeEach(async () => {
    await deliver(probot, "installation_repositories", exampleAction("installation_repositories", "added"));
    await browser.post(`/integrations/${INSTALLATION}/services/tickets`, { enabled: "false" });
    await deadDelivery("d-dead");
  });

  it("lists only people's changes, only what GitHub reported with its deliveries, or only failed deliveries", async () => {
    const all = await activity();
    expect([all.kind, all.audit.length, all.deliveries.length]).toEqual(["all", 3, 3]);

    const people = await activity("?kind=people");
    expect(people.audit.map(({ sentence }) => sentence)).toEqual(["Codertocat turned Tickets off"]);
    expect(people.deliveries).toEqual([]);

    const github = await activity("?kind=github");
    expect(github.audit.map(({ action }) => action)).toEqual(["installation_repositories.added", "installation.created"]);
    expect(github.deliveries).toHaveLength(3);

    const failed = await activity("?kind=failed");
    expect(failed.audit).toEqual([]);
    expect(failed.deliveries.map(({ deliveryId, state }) => [deliveryId, state])).toEqual([["d-dead", "dead"]]);

    const refused = await browser.api("GET", `${ACTIVITY}?kind=bots`);
    expect(refused.status).toBe(400);
  });

  it("offers each kind as a link, marks the one shown and shows only its lists", async () => {
    const all = await page();
    expect(all).toContain(`<a class="button primary" href="${ACTIVITY}" aria-current="page">All activity</a>`);
    expect(all).toContain(`<a class="button" href="${ACTIVITY}?kind=people">Changes by people</a>`);
    expect(all).toContain(`<a class="button" href="${ACTIVITY}?kind=github">GitHub events</a>`);
    expect(all).toContain(`<a href="${ACTIVITY}?kind=failed">Show failed deliveries</a>`);

    const people = await page("?kind=people");
    expect(people).toContain(`href="${ACTIVITY}?kind=people" aria-current="page">Changes by people</a>`);
    expect(people).toContain("turned <a");
    expect(people).not.toContain("Webhook deliveries");
    expect(people).not.toContain("installed the app");

    const failed = await page("?kind=failed");
    expect(failed).not.toContain(">Changes</h2>");
    expect(failed).toContain('data-delivery="d-dead"');
    expect(failed).not.toContain("repositories added to the installation — processed");
    expect(failed).not.toContain("Show failed deliveries");
  });
});

describe("empty lists", () => {
  it("says when a kind has nothing to list", async () => {
    expect(await page("?kind=people")).toContain("Nobody has changed this integration in Tributary yet.");
    expect(await page("?kind=failed")).toContain("No failing delivery: every delivery of the past week was processed, or is being processed.");
    await IntegrationModel.updateOne({ installationId: INSTALLATION }, { $set: { audit: [] } });
    expect(await page("?kind=github")).toContain("GitHub has reported no change to the installation yet.");
  });
});
