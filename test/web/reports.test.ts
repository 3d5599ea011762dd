import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { IntegrationReport } from "../../src/reports/integration-report.js";
import { savePullRequests } from "../../src/storage/pull-requests.js";
import { saveReviews } from "../../src/storage/reviews.js";
import { freshWebApp, type WebApp } from "./fresh-web-app.js";
import { Browser, givenIntegration, mockAccess, mockAppSlug, signIn, type TestUser } from "./harness.js";

/* The Reports tab and its API over hand-made records: the numbers, the charts beside their tables, the CSV of each. */

const INSTALLATION = 8801;
const REPOSITORY = INSTALLATION * 100;
const HOUR = 3_600_000;
const MONDAY = Date.parse("2026-03-02T00:00:00Z");
const at = (hours: number) => new Date(MONDAY + hours * HOUR);
const owner: TestUser = { id: 31, login: "owner", installations: [INSTALLATION] };
const REPORTS = `/integrations/${INSTALLATION}/reports`;

let web: WebApp;
let browser: Browser;

beforeEach(async () => {
  ({ web, browser } = await freshWebApp());
  mockAppSlug();
  await givenIntegration(INSTALLATION, "acme", { repositories: 2 });
  const merged = (githubId: number, hours: number, author = { id: 1, login: "alice" }) => ({
    githubId,
    nodeId: `PR_${githubId}`,
    repositoryId: REPOSITORY,
    installationId: INSTALLATION,
    number: githubId,
    title: `change, "${githubId}"`,
    author,
    state: "merged" as const,
    baseRef: "main",
    headRef: "topic",
    additions: 30,
    deletions: 3,
    createdAt: at(0),
    mergedAt: at(hours),
    updatedAt: at(hours),
  });
  await savePullRequests([merged(1, 10), merged(2, 20), merged(3, 5, { id: 49699333, login: "dependabot[bot]" })]);
  await saveReviews([{ githubId: 11, pullRequestId: 1, repositoryId: REPOSITORY, installationId: INSTALLATION, author: { id: 2, login: "bob" }, state: "APPROVED", submittedAt: at(2), updatedAt: at(2) }]);
  await signIn(browser, owner);
  mockAccess(owner, { acme: "member" });
});
afterEach(() => web.close());

describe("the Reports tab and API", () => {
  it("answers the weekly figures of the period asked, people and bots apart", async () => {
    const response = await browser.api("GET", `${REPORTS}?weeks=2&until=2026-03-04`);
    expect(response.status).toBe(200);
    const report = (await response.json()) as IntegrationReport;
    expect(report.weeks).toEqual(["2026-02-23", "2026-03-02"]);
    expect(report.cycleTime[1]).toMatchObject({ week: "2026-03-02", merged: 2, cycle: { count: 2, median: 15 * HOUR, p75: 20 * HOUR }, pickup: { count: 1, median: 2 * HOUR } });
    expect(report.throughput[1]).toMatchObject({ merged: 2, mergedByBots: 1 });
    expect(report.review[1]).toMatchObject({ merged: 2, approved: 1, approvedShare: 0.5 });
    expect(report.unreviewedMerges).toMatchObject([{ number: 2 }]);
    expect(report.repositories.filter((repository) => repository.shown)).toHaveLength(2);

    const other = (await (await browser.api("GET", `${REPORTS}?weeks=2&until=2026-03-04&repositories=${REPOSITORY + 1}`)).json()) as IntegrationReport;
    expect(other.throughput[1]).toMatchObject({ merged: 0, mergedByBots: 0 });
    expect((await browser.api("GET", `${REPORTS}?weeks=0`)).status).toBe(400);
  });

  it("shows each metric as an SVG chart beside its table, with a CSV download of every table", async () => {
    const page = await (await browser.fetch(`${REPORTS}?weeks=2&until=2026-03-04`)).text();
    expect(page).toContain('aria-current="page">Reports');
    expect(page.match(/<svg class="chart"[^>]*role="img"/g)?.length).toBeGreaterThanOrEqual(7);
    for (const table of ["cycle-time", "throughput", "review", "reviewers", "unreviewed", "size", "tickets"]) {
      expect(page).toContain(`href="${REPORTS}.csv?table=${table}&amp;weeks=2"`);
    }
    expect(page).toContain("<th scope=\"col\">cycle median (h)</th>");

    const csv = await browser.fetch(`${REPORTS}.csv?table=unreviewed&weeks=2&until=2026-03-04`);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toBe("attachment; filename=unreviewed-2026-03-02.csv");
    expect(await csv.text()).toBe(`week merged,repository,number,title,author\r\n2026-03-02,acme/repo-0,2,"change, ""2""",alice\r\n`);
  });
});
