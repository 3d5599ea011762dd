import { pino } from "pino";
import { beforeEach, describe, expect, it } from "vitest";
import { requestBackfill } from "../../src/backfill/control.js";
import { backfillJobHandlers } from "../../src/backfill/jobs.js";
import { RateBudget } from "../../src/github/rate-budget.js";
import { Worker } from "../../src/jobs/worker.js";
import { integrationReport } from "../../src/reports/integration-report.js";
import { weekOf } from "../../src/reports/weeks.js";
import { PullRequestModel } from "../../src/storage/models/pull-request.js";
import { recordReadyForReviewAt } from "../../src/storage/pull-requests.js";
import { clearDatabase } from "../helpers/database.js";
import { installOrganization } from "../helpers/installation.js";
import { createTestProbot } from "../helpers/probot.js";
import { mockInstallationToken, scriptedOrganization, serveChangeProbes, serveGraphQL, type ScriptedRepository } from "../helpers/scripted-github.js";

const INSTALLATION = 77;
const HOUR = 3_600_000;
const silent = pino({ level: "silent" });

let probot = createTestProbot();

beforeEach(async () => {
  await clearDatabase();
  probot = createTestProbot();
});

function runJobs() {
  return new Worker({ handlers: backfillJobHandlers({ probot, budget: new RateBudget(), log: silent }), log: silent, concurrency: 1, pollMs: 10 }).idle();
}

/**
 * The small scripted repository, whose pull request #1 was opened as a draft, left draft 20 hours later (GitHub's
 * timeline has the ReadyForReviewEvent), was reviewed by someone else a day after opening, then merged.
 */
function draftThenReady() {
  const beta = scriptedOrganization()[1]!;
  const pr = beta.pullRequests[0]!;
  const openedAt = Date.parse(pr.createdAt);
  const [firstReview] = pr.allReviews;
  expect(firstReview!.author.databaseId).not.toBe(pr.author.databaseId);
  expect(Date.parse(firstReview!.submittedAt) - openedAt).toBe(24 * HOUR);
  const readyAt = new Date(openedAt + 20 * HOUR);
  Object.assign(pr, {
    state: "MERGED",
    isDraft: false,
    closedAt: pr.updatedAt,
    mergedAt: pr.updatedAt,
    mergedBy: pr.author,
    timelineItems: { nodes: [{ createdAt: readyAt.toISOString() }] },
  });
  return { beta, pr, openedAt, readyAt };
}

async function importRepository(beta: ScriptedRepository) {
  mockInstallationToken(INSTALLATION);
  const github = serveGraphQL([beta]);
  await installOrganization(probot, INSTALLATION, "acme", [beta]);
  await runJobs();
  return github;
}

/** The pickup time the Reports API tells for the week `mergedAt` falls in. */
async function pickupOfWeek(mergedAt: string) {
  const report = await integrationReport(INSTALLATION, { weeks: 2, until: new Date() });
  return report.cycleTime.find((row) => row.week === weekOf(new Date(mergedAt)))!.pickup;
}

describe("an imported pull request that was a draft", () => {
  it("gets when it left draft from GitHub's timeline, and its pickup time does not count the draft time", async () => {
    const { beta, pr, readyAt } = draftThenReady();
    const github = await importRepository(beta);

    // Beta is small: its pull requests come whole with its first pages, timelines included.
    expect(github.calls.map((call) => call.operation)).toContain("FirstPages");
    expect(await PullRequestModel.findOne({ githubId: pr.databaseId }).lean()).toMatchObject({ state: "merged", draft: false, readyForReviewAt: readyAt });
    // Ready 20 hours after opening, reviewed 24 hours after: 4 hours of pickup, not 24.
    expect(await pickupOfWeek(pr.mergedAt!)).toEqual({ count: 1, median: 4 * HOUR, p75: 4 * HOUR });
    // One that never was a draft has no ready-for-review time: its pickup starts at opening.
    expect(await PullRequestModel.findOne({ githubId: beta.pullRequests[1]!.databaseId }).lean()).toMatchObject({ readyForReviewAt: null });
  });

  it("keeps a later time a webhook told when a page read again still has the earlier event", async () => {
    const { beta, pr, openedAt } = draftThenReady();
    await importRepository(beta);
    // Back to draft and ready again 22 hours after opening: the ready_for_review webhook tells it...
    const readyAgainAt = new Date(openedAt + 22 * HOUR);
    await recordReadyForReviewAt(pr.databaseId, readyAgainAt);
    // ...while a newer version of the pull request is read from a timeline that does not list that event yet.
    pr.updatedAt = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
    pr.title = "Renamed since";
    serveChangeProbes([beta], 1);
    await requestBackfill(INSTALLATION, { services: ["pullRequests"] });
    await runJobs();

    expect(await PullRequestModel.findOne({ githubId: pr.databaseId }).lean()).toMatchObject({ title: "Renamed since", readyForReviewAt: readyAgainAt });
    expect(await pickupOfWeek(pr.mergedAt!)).toEqual({ count: 1, median: 2 * HOUR, p75: 2 * HOUR });
  });
});
