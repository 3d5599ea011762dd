import { beforeEach, describe, expect, it } from "vitest";
import { buildReport } from "../../src/reports/report.js";
import { weekOf, weeksUntil } from "../../src/reports/weeks.js";
import { saveCommits, markCommitsOffDefaultBranch } from "../../src/storage/commits.js";
import { recordReadyForReviewAt, savePullRequests } from "../../src/storage/pull-requests.js";
import { ReportWeekModel } from "../../src/storage/models/report-week.js";
import { readReportWeeks, rollUpRepository } from "../../src/storage/report-rollups.js";
import { saveReviews } from "../../src/storage/reviews.js";
import { saveTickets } from "../../src/storage/tickets.js";
import { clearDatabase } from "../helpers/database.js";
import { alice, bob, recordsOf } from "./records.js";

const REPOSITORY = 501;
const HOUR = 3_600_000;
// A Monday: the week under test, and the one after.
const WEEK = Date.parse("2026-03-02T00:00:00Z");
const at = (hours: number) => new Date(WEEK + hours * HOUR);
const dependabot = { id: 49699333, login: "dependabot[bot]" };
const { pullRequest, review, ticket } = recordsOf(REPOSITORY, at);

const report = async (weeks = weeksUntil(at(24), 2), personId?: number) =>
  buildReport({ weeks, repositoryIds: [REPOSITORY], personId }, await readReportWeeks([REPOSITORY], weeks));

beforeEach(clearDatabase);

describe("weekly reports from rollups", () => {
  it("splits cycle time into coding, pickup and review, with exact medians and p75, bots apart", async () => {
    // Three people's pull requests merged in the week: coding 2/4/6 h, pickup 1/3/5 h, review 1/1/2 h.
    const shapes = [
      { id: 1, firstCommit: -2, review: 1, merged: 2 },
      { id: 2, firstCommit: -4, review: 3, merged: 4 },
      { id: 3, firstCommit: -6, review: 5, merged: 7 },
    ];
    await savePullRequests(
      shapes.map(({ id, firstCommit, merged }) =>
        pullRequest(id, { createdAt: at(0), mergedAt: at(merged), commits: [{ sha: `c${id}`, author: alice, authoredAt: at(firstCommit) }, { sha: `d${id}`, author: alice, authoredAt: at(-1) }] }),
      ),
    );
    await saveReviews(shapes.map(({ id, review: submitted }) => review(100 + id, id, { state: "APPROVED", submittedAt: at(submitted) })));
    // A bot's pull request, merged unreviewed: counted apart, in no duration.
    await savePullRequests([pullRequest(4, { author: dependabot, createdAt: at(0), mergedAt: at(50), additions: 2000 })]);

    const { cycleTime, throughput, review: coverage, unreviewedMerges, size } = await report();
    const week = cycleTime.find((row) => row.week === weekOf(at(0)))!;
    expect(week.merged).toBe(3);
    expect(week.coding).toEqual({ count: 3, median: 4 * HOUR, p75: 6 * HOUR });
    expect(week.pickup).toEqual({ count: 3, median: 3 * HOUR, p75: 5 * HOUR });
    expect(week.review).toEqual({ count: 3, median: 1 * HOUR, p75: 2 * HOUR });
    expect(week.cycle).toEqual({ count: 3, median: 8 * HOUR, p75: 13 * HOUR });
    expect(throughput.find((row) => row.week === week.week)).toMatchObject({ merged: 3, mergedByBots: 1 });
    expect(coverage.find((row) => row.week === week.week)).toMatchObject({ merged: 3, approved: 3, approvedShare: 1 });
    expect(unreviewedMerges).toEqual([]);
    expect(size.find((band) => band.band === "S")).toMatchObject({ merged: 3 });
    expect(size.find((band) => band.band === "XL")).toMatchObject({ merged: 0 });
  });

  it("takes an even count's median as the mean of the middle two", async () => {
    await savePullRequests([1, 2, 3, 4].map((hours) => pullRequest(hours, { createdAt: at(0), mergedAt: at(hours) })));
    const week = (await report()).cycleTime.find((row) => row.week === weekOf(at(0)))!;
    expect(week.cycle).toEqual({ count: 4, median: 2.5 * HOUR, p75: 3 * HOUR });
    expect(week.pickup).toEqual({ count: 0, median: null, p75: null });
  });

  it("starts pickup when the pull request left draft, and ignores the author's own review", async () => {
    await savePullRequests([pullRequest(1, { createdAt: at(0), mergedAt: at(20) })]);
    // Out of draft twice (ready_for_review events), told in any order: the latest counts.
    await recordReadyForReviewAt(1, at(10));
    await recordReadyForReviewAt(1, at(4));
    await saveReviews([review(11, 1, { author: alice, submittedAt: at(1) }), review(12, 1, { state: "CHANGES_REQUESTED", submittedAt: at(12) })]);
    const week = (await report()).cycleTime.find((row) => row.week === weekOf(at(0)))!;
    expect(week.pickup.median).toBe(2 * HOUR);
    expect(week.review.median).toBe(8 * HOUR);
  });

  it("derives a merged pull request again when a review arrives after it, and lists merges without approval", async () => {
    await savePullRequests([pullRequest(1, { createdAt: at(0), mergedAt: at(20) })]);
    expect((await report()).unreviewedMerges).toMatchObject([{ number: 1, repositoryId: REPOSITORY }]);
    await saveReviews([review(11, 1, { state: "APPROVED", submittedAt: at(5) })]);
    const { cycleTime, unreviewedMerges, reviewers } = await report();
    expect(cycleTime.find((row) => row.week === weekOf(at(0)))!.pickup.median).toBe(5 * HOUR);
    expect(unreviewedMerges).toEqual([]);
    expect(reviewers).toEqual([{ reviewer: bob, bot: false, reviews: 1 }]);
  });

  it("derives a repository's entries again from its records, as a full import ends (records stored before reports existed)", async () => {
    await savePullRequests([pullRequest(1, { createdAt: at(0), mergedAt: at(20) })]);
    await saveReviews([review(11, 1, { state: "APPROVED", submittedAt: at(5) })]);
    const before = await report();
    await ReportWeekModel.deleteMany({});
    expect((await report()).throughput.every((week) => week.merged === 0)).toBe(true);
    for (const service of ["repos", "pullRequests", "tickets"] as const) await rollUpRepository(REPOSITORY, service);
    expect(await report()).toEqual(before);
  });

  it("flags pull requests whose commits GitHub cut at 250", async () => {
    const commits = Array.from({ length: 250 }, (_, index) => ({ sha: `s${index}`, author: alice, authoredAt: at(-1) }));
    await savePullRequests([pullRequest(1, { createdAt: at(0), mergedAt: at(3), commits, commitsCount: 300, commitsComplete: false })]);
    expect((await report()).cappedCommitLists).toMatchObject([{ number: 1 }]);
  });

  it("counts commits per week and active contributors by GitHub id, bots apart, and no commit taken off the branch", async () => {
    const commit = (sha: string, user: { id: number; login: string } | null, name: string) => ({
      repositoryId: REPOSITORY,
      installationId: 5,
      sha,
      messageHeadline: sha,
      author: { name, email: `${name}@example.com`, date: at(1), user },
      committer: { name, email: `${name}@example.com`, date: at(1), user },
    });
    await saveCommits([commit("a1", alice, "alice"), commit("a2", { id: 1, login: "alice-renamed" }, "alice"), commit("b1", bob, "bob"), commit("d1", dependabot, "dependabot[bot]"), commit("x1", null, "laptop")]);
    await markCommitsOffDefaultBranch(REPOSITORY, ["b1"], new Date());
    const week = (await report()).throughput.find((row) => row.week === weekOf(at(0)))!;
    expect(week).toMatchObject({ commits: 3, commitsByBots: 1, activeContributors: 1 });
    const alicesWeek = (await report(undefined, alice.id)).throughput.find((row) => row.week === weekOf(at(0)))!;
    expect(alicesWeek).toMatchObject({ commits: 2, activeContributors: 1 });
  });

  it("counts tickets opened and closed per week with their lead time, and moves a close when a ticket is closed again later", async () => {
    await saveTickets([ticket(1, { state: "closed", closedAt: at(10), updatedAt: at(10) }), ticket(2, { state: "closed", closedAt: at(30), updatedAt: at(30) }), ticket(3, {})]);
    let week = (await report()).tickets.find((row) => row.week === weekOf(at(0)))!;
    expect(week).toEqual({ week: weekOf(at(0)), opened: 3, closed: 2, lead: { count: 2, median: 20 * HOUR, p75: 30 * HOUR } });
    // Reopened, then closed again the next week: its close leaves this week.
    await saveTickets([ticket(2, { state: "open", updatedAt: at(40) })]);
    await saveTickets([ticket(2, { state: "closed", closedAt: at(24 * 8), updatedAt: at(24 * 8) })]);
    const weeks = weeksUntil(at(24 * 8), 2);
    const [first, second] = (await report(weeks)).tickets;
    expect(first).toMatchObject({ opened: 3, closed: 1 });
    expect(second).toMatchObject({ opened: 0, closed: 1, lead: { median: 24 * 8 * HOUR } });
  });
});
