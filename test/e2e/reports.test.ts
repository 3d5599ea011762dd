import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IntegrationReport } from "../../src/reports/integration-report.js";
import { ImportStatusModel } from "../../src/storage/models/import-status.js";
import { JobModel } from "../../src/storage/models/job.js";
import type { Repo } from "../../tools/github-server/org/model.js";
import { eventually } from "../helpers/eventually.js";
import { signIn, startBrowserStack, type BrowserStack } from "./harness.js";

/*
 * The truth: the local GitHub's generator knows every pull request's commit, open, ready-for-review, review and merge
 * times, every commit on the default branches and every issue. Each weekly figure is computed here from that model —
 * by its own code, not Tributary's — and compared with what the Reports API answers after a backfill, and after live
 * activity.
 */

const ORG = { login: "acme", repos: 3, pulls: 60, issues: 30, commits: 80, members: 6 };
const DAY_MS = 86_400_000;

let stack: BrowserStack;
let installationId: number;

beforeAll(async () => {
  stack = await startBrowserStack({ org: ORG });
  await signIn(stack);
  ({ installation: { id: installationId } } = await stack.github.simulateInstall());
  // GitHub sends the owner back to the setup URL, which lets their session see the new integration.
  await stack.page.goto(`${stack.appUrl}/github/setup?installation_id=${installationId}&setup_action=install`);
  await stack.page.waitForURL(`${stack.appUrl}/integrations/${installationId}`);
  stack.worker.start();
  await everythingImported();
}, 180_000);

afterAll(async () => {
  await stack?.close();
});

async function everythingImported() {
  await eventually(
    "every import is done and no job waits",
    async () =>
      (await ImportStatusModel.countDocuments({})) > 0 &&
      (await ImportStatusModel.countDocuments({ state: { $ne: "done" } })) === 0 &&
      (await JobModel.countDocuments({ $or: [{ state: "running" }, { state: "queued", runAt: { $lte: new Date() } }] })) === 0,
    150_000,
  );
}

// ---- the truth, from the generator's model ---------------------------------------------------------------------

const mondayOf = (time: number) => {
  const day = Math.floor(time / DAY_MS);
  return new Date((day - ((day + 3) % 7)) * DAY_MS).toISOString().slice(0, 10);
};
const median = (values: number[]) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const half = sorted.length / 2;
  return Number.isInteger(half) ? (sorted[half - 1]! + sorted[half]!) / 2 : sorted[Math.floor(half)]!;
};
const p75 = (values: number[]) => (values.length === 0 ? null : [...values].sort((a, b) => a - b)[Math.ceil(values.length * 0.75) - 1]!);
const figures = (values: number[]) => ({ count: values.length, median: median(values), p75: p75(values) });
/** GitHub shows times to the second, cut (the model keeps milliseconds). */
const second = (time: number) => Math.floor(time / 1000) * 1000;

function truth(weeks: string[]) {
  const generated = stack.github.context.generated;
  const repos: Repo[] = generated.org.repos;
  const inWeek = (time: number | null, week: string) => time !== null && mondayOf(time) === week;
  const pulls = repos.flatMap((repo) => generated.pulls(repo)).filter((pull) => pull.mergedAt !== null && pull.author?.kind !== "Bot");
  const timings = pulls.map((pull) => {
    const [createdAt, mergedAt] = [second(pull.createdAt), second(pull.mergedAt!)];
    const firstCommit = Math.min(...generated.commits(pull).map((commit) => second(commit.authoredAt)));
    const start = Math.min(firstCommit, createdAt);
    const others = generated.reviews(pull).filter((review) => review.author?.id !== pull.author?.id);
    const firstReview = others.length > 0 ? Math.min(...others.map((review) => second(review.submittedAt))) : null;
    // Time in draft is not pickup: it starts when the pull request last left draft, if it was opened as one.
    const ready = Math.max(createdAt, ...pull.readyForReview.map(second));
    return {
      week: mondayOf(mergedAt),
      coding: createdAt - start,
      pickup: firstReview === null ? null : Math.max(0, firstReview - ready),
      // Opened as a draft and reviewed after opening: counting from opening would have given another pickup time.
      draftTimeCounts: pull.readyForReview.length > 0 && firstReview !== null && firstReview > createdAt,
      review: firstReview === null ? null : Math.max(0, mergedAt - firstReview),
      cycle: mergedAt - start,
      approved: generated.reviews(pull).some((review) => review.state === "APPROVED"),
    };
  });
  const commits = repos.flatMap((repo) => generated.branch(repo));
  const people = (commit: (typeof commits)[number]) => commit.author?.kind !== "Bot" && !commit.authorName.endsWith("[bot]");
  const issues = repos.flatMap((repo) => generated.issues(repo)).filter((issue) => issue.author?.kind !== "Bot");
  const present = (values: (number | null)[]) => values.filter((value): value is number => value !== null);
  const rows = weeks.map((week) => {
    const merged = timings.filter((pull) => pull.week === week);
    const weekCommits = commits.filter((commit) => inWeek(commit.authoredAt, week));
    const closed = issues.filter((issue) => inWeek(issue.closedAt, week));
    return {
      week,
      merged: merged.length,
      coding: figures(merged.map((pull) => pull.coding)),
      pickup: figures(present(merged.map((pull) => pull.pickup))),
      review: figures(present(merged.map((pull) => pull.review))),
      cycle: figures(merged.map((pull) => pull.cycle)),
      approved: merged.filter((pull) => pull.approved).length,
      commits: weekCommits.filter(people).length,
      activeContributors: new Set(weekCommits.filter(people).flatMap((commit) => (commit.author ? [commit.author.id] : []))).size,
      ticketsOpened: issues.filter((issue) => inWeek(issue.createdAt, week)).length,
      ticketsClosed: closed.length,
      lead: figures(closed.map((issue) => second(issue.closedAt!) - second(issue.createdAt))),
    };
  });
  return Object.assign(rows, { draftTimeExcluded: timings.filter((pull) => weeks.includes(pull.week) && pull.draftTimeCounts).length });
}

// ---- what Tributary answers --------------------------------------------------------------------------------------

async function reported(until: Date, weeks: number) {
  const response = await stack.page.request.get(`${stack.appUrl}/api/integrations/${installationId}/reports?weeks=${weeks}&until=${until.toISOString().slice(0, 10)}`);
  expect(response.status()).toBe(200);
  const report = (await response.json()) as IntegrationReport;
  return report.weeks.map((week, index) => {
    const cycle = report.cycleTime[index]!;
    const throughput = report.throughput[index]!;
    const tickets = report.tickets[index]!;
    return {
      week,
      merged: cycle.merged,
      coding: cycle.coding,
      pickup: cycle.pickup,
      review: cycle.review,
      cycle: cycle.cycle,
      approved: report.review[index]!.approved,
      commits: throughput.commits,
      activeContributors: throughput.activeContributors,
      ticketsOpened: tickets.opened,
      ticketsClosed: tickets.closed,
      lead: tickets.lead,
    };
  });
}

async function expectTruth(until: Date, weeks: number) {
  const answer = await reported(until, weeks);
  const expected = truth(answer.map((row) => row.week));
  expect(answer).toEqual([...expected]);
  return Object.assign(answer, { draftTimeExcluded: expected.draftTimeExcluded });
}

describe("reports against the generator's truth", () => {
  it("equal the model's every weekly figure after a backfill", async () => {
    const historyEnd = new Date(stack.github.context.generated.options.historyEnd);
    const answer = await expectTruth(historyEnd, 52);
    expect(answer.reduce((sum, row) => sum + row.merged, 0)).toBeGreaterThan(10);
    // Imported pull requests that were drafts first are among them: their pickup starts when they left draft, which
    // only GitHub's timeline (the ReadyForReviewEvent) tells a backfill.
    expect(answer.draftTimeExcluded).toBeGreaterThan(0);
  });

  it("equal it again after live activity (webhooks, then the syncs they ask for)", async () => {
    // Drafts marked ready for review (ready_for_review webhooks) before the reviews and merges of the round.
    const deliveries = await stack.github.simulateActivity({ pullRequests: 4, readyForReview: 2, reviews: 6, pushes: 4, merges: 3, issues: 6 });
    expect(deliveries.filter((delivery) => delivery.action === "ready_for_review")).toHaveLength(2);
    await everythingImported();
    const now = new Date(stack.github.context.now());
    await eventually("the live weeks match the model", async () => {
      const answer = await reported(now, 4);
      return JSON.stringify(answer) === JSON.stringify([...truth(answer.map((row) => row.week))]);
    }, 60_000).catch(() => undefined);
    const answer = await expectTruth(now, 4);
    // The live week has the activity: merges, reviews and tickets, not only history.
    expect(answer.at(-1)).toMatchObject({ merged: expect.any(Number), ticketsOpened: expect.any(Number) });
    expect(answer.at(-1)!.merged + answer.at(-1)!.ticketsOpened).toBeGreaterThan(0);
  }, 120_000);

  it("shows the Reports tab with its charts", async () => {
    const { page, appUrl } = stack;
    const historyEnd = new Date(stack.github.context.generated.options.historyEnd).toISOString().slice(0, 10);
    await page.goto(`${appUrl}/integrations/${installationId}/reports?weeks=12&until=${historyEnd}`);
    await page.getByRole("heading", { name: "Cycle time" }).waitFor();
    expect(await page.locator("svg.chart").count()).toBeGreaterThanOrEqual(7);
    await stack.screenshot("reports");
  }, 60_000);
});
