import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { claimDelivery, markDeliveryFailed, markDeliveryProcessed, storeReceivedDelivery } from "../../src/storage/deliveries.js";
import { DeliveryModel } from "../../src/storage/models/delivery.js";
import { IntegrationModel } from "../../src/storage/models/integration.js";
import { clearDatabase } from "../helpers/database.js";
import { Browser, givenIntegration, mockAccess, mockAppSlug, signIn, startWebApp, type TestUser } from "./harness.js";

const alice: TestUser = { id: 11, login: "alice", installations: [1001] };
const bob: TestUser = { ...alice, id: 12, login: "bob" };
const LEASE = { leaseMs: 60_000 };
let web: Awaited<ReturnType<typeof startWebApp>>;
let browser: Browser;

type Outcome = "received" | "processing" | "processed" | "retrying" | "dead";

interface Given {
  outcome: Outcome;
  minutesAgo: number;
  installationId?: number;
  repositoryId?: number | null;
  retryAt?: Date;
}

/** A delivery taken through the inbox as the processor would: stored, claimed, then processed or failed. */
async function givenDelivery(deliveryId: string, { outcome, minutesAgo, installationId = 1001, repositoryId = null, retryAt }: Given) {
  const receivedAt = new Date(Math.floor(Date.now() / 1000 - minutesAgo * 60) * 1000);
  await storeReceivedDelivery({ deliveryId, event: "pull_request", action: "opened", installationId, repositoryId, body: "{}", lane: null, receivedAt });
  if (outcome === "received") return receivedAt;
  const claim = (await claimDelivery(deliveryId, LEASE))!;
  if (outcome === "processed") await markDeliveryProcessed(claim);
  if (outcome === "retrying") await markDeliveryFailed(claim, "HttpError: GitHub answered 502", retryAt!);
  if (outcome === "dead") await markDeliveryFailed(claim, "invalid payload: pull_request.number is required", null);
  return receivedAt;
}

const readable = (date: Date) => `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
const stateOf = async (deliveryId: string) => (await DeliveryModel.findById(deliveryId).lean())!;
const auditActions = async () => (await IntegrationModel.findOne({ installationId: 1001 }).lean())!.audit.map((entry) => [entry.action, entry.actor?.login]);

beforeEach(async () => {
  await clearDatabase();
  web = await startWebApp();
  browser = new Browser(web.url);
  mockAppSlug();
  await givenIntegration(1001, "org-a", { repositories: 2 });
  await givenIntegration(2002, "org-b");
});
afterEach(() => web.close());

async function signInAs(user: TestUser, role: "admin" | "member") {
  await signIn(browser, user);
  mockAccess(user, { "org-a": role });
}

describe("the Activity page's deliveries", () => {
  it("lists every state with event, repository, attempts, next attempt and reason, a dead one standing out", async () => {
    const retryAt = new Date(Math.floor(Date.now() / 1000 + 600) * 1000);
    const received = await givenDelivery("d-received", { outcome: "received", minutesAgo: 1, repositoryId: 100100 });
    await givenDelivery("d-processing", { outcome: "processing", minutesAgo: 2 });
    await givenDelivery("d-retrying", { outcome: "retrying", minutesAgo: 3, repositoryId: 424242, retryAt });
    await givenDelivery("d-processed", { outcome: "processed", minutesAgo: 4, repositoryId: 100101 });
    const dead = await givenDelivery("d-dead", { outcome: "dead", minutesAgo: 5, repositoryId: 100100 });
    await givenDelivery("d-other", { outcome: "dead", minutesAgo: 1, installationId: 2002 });
    await signInAs(alice, "admin");

    const activity = (await (await browser.api("GET", "/integrations/1001/activity")).json()) as { deadCount: number; deliveries: Record<string, unknown>[] };
    expect(activity.deadCount).toBe(1);
    expect(activity.deliveries).toEqual([
      {
        deliveryId: "d-received",
        event: "pull_request",
        action: "opened",
        state: "received",
        repository: { id: 100100, fullName: "org-a/repo-0", granted: true },
        receivedAt: received.toISOString(),
        attempts: 0,
        nextAttemptAt: null,
        finishedAt: null,
        reason: null,
        sentence: "GitHub: pull request opened on org-a/repo-0 — received, waiting to be processed",
      },
      expect.objectContaining({
        deliveryId: "d-processing",
        state: "processing",
        repository: null,
        attempts: 1,
        reason: null,
        sentence: "GitHub: pull request opened — being processed (attempt 1)",
      }),
      expect.objectContaining({
        deliveryId: "d-retrying",
        state: "retrying",
        repository: { id: 424242, fullName: null, granted: false },
        attempts: 1,
        nextAttemptAt: retryAt.toISOString(),
        reason: "HttpError: GitHub answered 502",
        sentence: `GitHub: pull request opened on repository 424242 — attempt 1 failed; next attempt at ${retryAt.toISOString()}`,
      }),
      expect.objectContaining({
        deliveryId: "d-processed",
        state: "processed",
        repository: { id: 100101, fullName: "org-a/repo-1", granted: true },
        finishedAt: expect.any(String),
        reason: null,
        sentence: "GitHub: pull request opened on org-a/repo-1 — processed",
      }),
      expect.objectContaining({
        deliveryId: "d-dead",
        state: "dead",
        attempts: 1,
        finishedAt: expect.any(String),
        reason: "invalid payload: pull_request.number is required",
        sentence: "GitHub: pull request opened on org-a/repo-0 — gave up after 1 attempt",
      }),
    ]);

    const page = await (await browser.fetch("/integrations/1001/activity")).text();
    expect(page).toContain("1 dead delivery needs attention.");
    expect(page).toContain(readable(received));
    expect(page).toContain(readable(retryAt));
    expect(page).toContain('pull request opened on <span class="muted">repository 424242</span> — attempt 1 failed; next attempt at <time');
    expect(page).toContain("HttpError: GitHub answered 502");
    expect(page).not.toContain("d-other");
    const deadRow = page.slice(page.indexOf('id="delivery-d-dead"'));
    expect(deadRow).toMatch(/^id="delivery-d-dead" data-delivery="d-dead" class="attention">/);
    expect(deadRow).toContain(readable(dead));
    expect(deadRow).toContain(
      'GitHub: pull request opened on <a href="/integrations/1001/repositories?q=org-a%2Frepo-0">org-a/repo-0</a> — gave up after 1 attempt',
    );
    expect(deadRow).toContain('<code class="nowrap">pull_request.opened</code>, delivery <code title="d-dead">d-dead</code>');
    expect(deadRow).toContain('<span class="badge bad">dead</span>');
    expect(deadRow).toContain('action="/integrations/1001/deliveries/d-dead/retry"');
    expect(deadRow).toContain('aria-label="Retry delivery d-dead (pull_request.opened)">Retry</button>');
    // Only the dead one can be retried.
    expect(page.match(/>Retry<\/button>/g)).toHaveLength(1);
  });

  it("keeps an older dead delivery listed after the latest ones", async () => {
    await givenDelivery("d-old-dead", { outcome: "dead", minutesAgo: 3 * 24 * 60 });
    await Promise.all(Array.from({ length: 50 }, (_, i) => givenDelivery(`d-new-${i}`, { outcome: "processed", minutesAgo: 1 })));
    await signInAs(alice, "admin");
    const activity = (await (await browser.api("GET", "/integrations/1001/activity")).json()) as { deliveries: { deliveryId: string }[] };
    expect(activity.deliveries).toHaveLength(51);
    expect(activity.deliveries.at(-1)!.deliveryId).toBe("d-old-dead");
  });
});

describe("retrying a dead delivery", () => {
  beforeEach(() => givenDelivery("d-dead", { outcome: "dead", minutesAgo: 5 }));

  it("an owner retries it from the page: it is due again with fresh attempts, and the audit trail says who", async () => {
    await signInAs(alice, "admin");
    const response = await browser.post("/integrations/1001/deliveries/d-dead/retry");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/integrations/1001/activity?notice=delivery-retried");
    expect(await stateOf("d-dead")).toMatchObject({ state: "received", attempts: 0, finishedAt: null });
    expect(await auditActions()).toEqual([["web.delivery_retried.d-dead", "alice"]]);
    // Due at once: the inbox processor's next poll takes it.
    expect(await claimDelivery("d-dead", LEASE)).toMatchObject({ _id: "d-dead", state: "processing", attempts: 1 });

    const page = await (await browser.fetch("/integrations/1001/activity?notice=delivery-retried")).text();
    expect(page).toContain("Delivery queued again");
    expect(page).not.toContain("need attention");
  });

  it("an owner retries it through the API", async () => {
    await signInAs(alice, "admin");
    const response = await browser.api("POST", "/integrations/1001/deliveries/d-dead/retry");
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ deliveryId: "d-dead", state: "received" });
    expect((await stateOf("d-dead")).state).toBe("received");
    expect(await auditActions()).toEqual([["web.delivery_retried.d-dead", "alice"]]);
  });

  it("answers 404 for a delivery that is not dead, or not this integration's", async () => {
    await givenDelivery("d-processed", { outcome: "processed", minutesAgo: 1 });
    await givenDelivery("d-other", { outcome: "dead", minutesAgo: 1, installationId: 2002 });
    await signInAs(alice, "admin");
    for (const deliveryId of ["d-processed", "d-other", "d-unknown"]) {
      const api = await browser.api("POST", `/integrations/1001/deliveries/${deliveryId}/retry`);
      expect([deliveryId, api.status]).toEqual([deliveryId, 404]);
      expect(await api.json()).toEqual({ error: { message: `This integration has no dead delivery ${deliveryId}: only dead deliveries can be retried` } });
    }
    const page = await browser.post("/integrations/1001/deliveries/d-processed/retry");
    expect(page.status).toBe(404);
    expect(await page.text()).toContain("only dead deliveries can be retried");
    expect((await stateOf("d-processed")).state).toBe("processed");
    expect((await stateOf("d-other")).state).toBe("dead");
    expect(await auditActions()).toEqual([]);
  });

  it("a member sees no retry button and is refused (403)", async () => {
    await signInAs(bob, "member");
    const page = await (await browser.fetch("/integrations/1001/activity")).text();
    expect(page).toContain("1 dead delivery needs attention.");
    expect(page).toContain("An owner of the organization can retry them");
    expect(page).not.toContain(">Retry</button>");
    expect((await browser.post("/integrations/1001/deliveries/d-dead/retry")).status).toBe(403);
    expect((await browser.api("POST", "/integrations/1001/deliveries/d-dead/retry")).status).toBe(403);
    expect((await stateOf("d-dead")).state).toBe("dead");
  });

  it("refuses a form without the session's CSRF token (before asking GitHub anything)", async () => {
    await signIn(browser, alice);
    expect((await browser.post("/integrations/1001/deliveries/d-dead/retry", {}, { csrf: false })).status).toBe(403);
    expect((await stateOf("d-dead")).state).toBe("dead");
  });
});
