import mongoose from "mongoose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FIRST_PAGES_JOB, backfillJobKey, queueImports, requestBackfill } from "../../src/backfill/control.js";
import { saveCommits } from "../../src/storage/commits.js";
import { markDone, markImporting, saveCheckpoint } from "../../src/storage/import-statuses.js";
import { ImportStatusModel } from "../../src/storage/models/import-status.js";
import { JobModel } from "../../src/storage/models/job.js";
import { freshWebApp, type WebApp } from "./fresh-web-app.js";
import { Browser, givenIntegration, mockAccess, mockAppSlug, signIn, type TestUser } from "./harness.js";

const alice: TestUser = { id: 11, login: "alice", installations: [1001] };
const NOW = () => new Date();
let web: WebApp;
let browser: Browser;
let repoIds: number[];

const start = (repositoryId: number, mode: "full" | "incremental") =>
  markImporting(repositoryId, "repos", { checkpoint: { phase: "recent", cursor: null, runStartedAt: NOW() }, mode, processed: 0 });
const progress = (repositoryId: number, processed: number, expectedTotal: number | null) =>
  saveCheckpoint(repositoryId, "repos", { phase: "recent", cursor: "c", runStartedAt: NOW() }, { processed, expectedTotal });
const page = async (path = "/integrations/1001/repositories") => (await browser.fetch(path)).text();
const rowOf = (html: string, repositoryId: number) => html.slice(html.indexOf(`<tr data-repository="${repositoryId}"`), html.indexOf("</tr>", html.indexOf(`<tr data-repository="${repositoryId}"`)));

async function setUp(repositories: number) {
  repoIds = (await givenIntegration(1001, "org-a", { repositories })).map((repo) => Number(repo.id));
  await requestBackfill(1001, { services: ["repos"] });
  await signIn(browser, alice);
  mockAccess(alice, { "org-a": "admin" });
}

beforeEach(async () => {
  ({ web, browser } = await freshWebApp());
  mockAppSlug();
});
afterEach(() => web.close());

describe("the repositories page", () => {
  it("reads import statuses and the shown repositories' jobs, never the stored records, however many there are", async () => {
    await setUp(2);
    await saveCommits(Array.from({ length: 1_500 }, (_, index) => ({ repositoryId: repoIds[0]!, installationId: 1001, sha: `sha-${index}`, messageHeadline: "m" })));
    const read = new Set<string>();
    mongoose.set("debug", (collection: string) => void read.add(collection));
    try {
      const html = await page();
      expect(rowOf(html, repoIds[0]!)).toContain("1,500 commits");
      const api = (await (await browser.api("GET", "/integrations/1001/repositories")).json()) as { groups: { repositories: { stored: { commits: number } }[] }[] };
      expect(api.groups[0]!.repositories[0]!.stored.commits).toBe(1_500);
      await browser.fetch(`/integrations/1001/repositories/progress?ids=${repoIds.join(",")}`);
    } finally {
      mongoose.set("debug", false);
    }
    expect([...read].filter((collection) => ["commits", "pullrequests", "reviews", "tickets"].includes(collection))).toEqual([]);
    expect(read).toContain("importstatuses");
  });

  it("tells each service's progress with its unit, an incremental sync as such, and the overall bar with its end", async () => {
    await setUp(3);
    await start(repoIds[0]!, "full");
    await progress(repoIds[0]!, 1_775, 6_400);
    await markDone(repoIds[1]!, "repos", NOW(), 12);
    await start(repoIds[1]!, "incremental");
    await progress(repoIds[1]!, 3, null);
    await markDone(repoIds[2]!, "repos", NOW(), 9);
    await ImportStatusModel.updateOne({ repositoryId: repoIds[2]!, service: "repos" }, { $set: { mode: "incremental" } });

    const html = await page();
    expect(rowOf(html, repoIds[0]!)).toContain('<progress max="6400" value="1775"></progress> 1,775 of 6,400 commits');
    expect(rowOf(html, repoIds[1]!)).toContain("Syncing changes: 3 so far");
    expect(rowOf(html, repoIds[1]!)).not.toContain("<progress");
    expect(rowOf(html, repoIds[2]!)).toContain("Synced 9 changes");
    expect(rowOf(html, repoIds[2]!)).toMatch(/Last synced <time datetime="[^"]+">/);
    expect(html).toContain('<progress id="overall-bar" max="6400" value="1775"></progress>');
    expect(html).toContain("1 repository import to go");
    expect(html).toContain('data-live="true"');
  });

  it("says what a waiting import waits for: GitHub's rate limit, or a restart's lease", async () => {
    await setUp(2);
    // Each import's own job (a sync's, or what a first-pages job could not read).
    await queueImports(1001, repoIds.map((repositoryId) => ({ repositoryId, service: "repos" })));
    const resetAt = new Date(Date.now() + 10 * 60_000);
    await start(repoIds[0]!, "full");
    await JobModel.updateOne({ key: backfillJobKey({ repositoryId: repoIds[0]!, service: "repos" }) }, { $set: { runAt: resetAt, lastError: "GitHub's GraphQL rate limit is spent" } });
    await start(repoIds[1]!, "full");
    await JobModel.updateOne(
      { key: backfillJobKey({ repositoryId: repoIds[1]!, service: "repos" }) },
      { $set: { state: "running", leaseRenewedAt: new Date(Date.now() - 40_000), lockedUntil: new Date(Date.now() + 20_000) } },
    );

    const html = await page();
    expect(rowOf(html, repoIds[0]!)).toContain(`GitHub&#39;s GraphQL rate limit is spent: waiting until <time datetime="${resetAt.toISOString()}"`);
    expect(rowOf(html, repoIds[1]!)).toMatch(/Waiting to resume after a restart \(lease expires in (19|20) s\)/);
  });

  it("says what never-read imports wait for when the first-pages job that reads them waits", async () => {
    await setUp(2);
    const resetAt = new Date(Date.now() + 10 * 60_000);
    expect(await JobModel.countDocuments({ name: FIRST_PAGES_JOB })).toBe(1);
    await JobModel.updateOne({ name: FIRST_PAGES_JOB }, { $set: { runAt: resetAt, lastError: "GitHub's GraphQL rate limit is spent" } });

    const html = await page();
    for (const repositoryId of repoIds) {
      expect(rowOf(html, repositoryId)).toContain(`GitHub&#39;s GraphQL rate limit is spent: waiting until <time datetime="${resetAt.toISOString()}"`);
    }
  });

  it("pages a long list, keeping the search and filter in its links", async () => {
    await setUp(60);
    const first = await page("/integrations/1001/repositories?q=org-a&state=pending");
    expect(first.match(/<tr data-repository=/g)).toHaveLength(50);
    expect(first).toContain("Page 1 of 2");
    expect(first).toContain('href="/integrations/1001/repositories?q=org-a&amp;state=pending&amp;page=2" rel="next"');
    const second = await page("/integrations/1001/repositories?q=org-a&state=pending&page=2");
    expect(second.match(/<tr data-repository=/g)).toHaveLength(10);
    expect(second).toContain('rel="prev"');
    // The summary counts what the search matches.
    expect(await page("/integrations/1001/repositories?q=repo-5")).toMatch(/11 repositories matching “repo-5”/);
    expect((await browser.fetch("/integrations/1001/repositories?page=0")).status).toBe(400);
  });

  it("answers the live progress of the rows on screen only, and says when nothing moves any more", async () => {
    await setUp(3);
    await start(repoIds[0]!, "full");
    await progress(repoIds[0]!, 40, 100);
    const asked = await browser.fetch(`/integrations/1001/repositories/progress?ids=${repoIds[0]},${repoIds[1]}`);
    expect(asked.headers.get("cache-control")).toBe("no-store");
    const live = (await asked.json()) as { live: boolean; overall: string; summary: string; rows: Record<string, string> };
    expect(Object.keys(live.rows).sort()).toEqual([String(repoIds[0]), String(repoIds[1])].sort());
    expect(live.rows[repoIds[0]!]).toContain("40 of 100 commits");
    expect(live.live).toBe(true);

    for (const repositoryId of repoIds) await markDone(repositoryId, "repos", NOW(), 100);
    const done = (await (await browser.fetch(`/integrations/1001/repositories/progress?ids=${repoIds[0]}`)).json()) as typeof live;
    expect(done.live).toBe(false);
    expect(done.rows[repoIds[0]!]).toContain("Imported 100 commits");
    expect(done.overall).toBe('<div id="overall"></div>');
    expect(done.summary).toContain("3 done</a>");
    expect((await browser.fetch("/integrations/1001/repositories/progress?ids=1,x")).status).toBe(400);
  });

  it("re-imports from the filtered list and comes back to it; an import under way cannot be queued twice", async () => {
    await setUp(2);
    await start(repoIds[0]!, "full");
    const html = await page("/integrations/1001/repositories?q=repo&state=pending");
    expect(rowOf(html, repoIds[1]!)).toContain(`action="/integrations/1001/repositories/${repoIds[1]}/import?q=repo&amp;state=pending"`);
    const importing = await page();
    expect(rowOf(importing, repoIds[0]!)).toContain('disabled title="An import of this repository is under way"');

    await ImportStatusModel.updateMany({}, { $set: { state: "done" } });
    const response = await browser.post(`/integrations/1001/repositories/${repoIds[1]}/import?q=repo&state=pending`);
    expect(response.headers.get("location")).toBe("/integrations/1001/repositories?q=repo&state=pending&notice=reimport-queued");
    expect(await page("/integrations/1001/repositories?notice=reimport-queued")).toContain('<p class="notice" role="status" data-until-done>Import queued.</p>');
  });
});
