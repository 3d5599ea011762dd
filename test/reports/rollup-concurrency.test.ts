import { beforeEach, describe, expect, it } from "vitest";
import { mergedPullRequestEntry } from "../../src/reports/entries.js";
import { weekOf } from "../../src/reports/weeks.js";
import { PullRequestModel } from "../../src/storage/models/pull-request.js";
import { ReviewModel } from "../../src/storage/models/review.js";
import { ReportWeekModel } from "../../src/storage/models/report-week.js";
import { savePullRequests } from "../../src/storage/pull-requests.js";
import { groupedByWeek, reportWeekId, type VersionedWrite } from "../../src/storage/report-rollups.js";
import { saveReviews } from "../../src/storage/reviews.js";
import { saveTickets } from "../../src/storage/tickets.js";
import { together } from "../helpers/contention.js";
import { clearDatabase } from "../helpers/database.js";
import { recordsOf } from "./records.js";

const REPOSITORY = 601;
const HOUR = 3_600_000;
const START = Date.parse("2026-03-02T00:00:00Z");
const at = (hours: number) => new Date(START + hours * HOUR);
const { pullRequest, review, ticket } = recordsOf(REPOSITORY, at);

beforeEach(clearDatabase);

const weekDocument = async (week: string) => (await ReportWeekModel.collection.findOne({ _id: reportWeekId(REPOSITORY, week) as never })) as Record<string, any> | null;

describe("rollups under concurrent writers", () => {
  it("end with each merged pull request derived from all its reviews, whichever writer's derivation lands last", async () => {
    const pullRequests = [1, 2, 3].map((githubId) => pullRequest(githubId, { mergedAt: at(40) }));
    await savePullRequests(pullRequests);
    // 12 writers, each one review (on one of three pull requests) at its own time; some save the pull requests again.
    await together(12, async (writer) => {
      if (writer % 4 === 0) await savePullRequests(pullRequests);
      await saveReviews([
        review(1000 + writer, 1 + (writer % 3), {
          author: { id: 10 + writer, login: `reviewer-${writer}` },
          state: writer === 7 ? "APPROVED" : "COMMENTED",
          submittedAt: at(1 + writer),
        }),
      ]);
    });
    const stored = await weekDocument(weekOf(at(40)));
    for (const pr of await PullRequestModel.find({ repositoryId: REPOSITORY }).lean()) {
      const expected = mergedPullRequestEntry(pr, await ReviewModel.find({ pullRequestId: pr.githubId }).lean());
      expect(stored!.merged[pr.githubId]).toMatchObject(JSON.parse(JSON.stringify(expected)));
    }
    expect(Object.keys(stored!.reviews)).toHaveLength(12);
  });

  it("count a ticket's close in one week only while writers race its reopen and closes", async () => {
    // Version n: closed at week n (odd n reopened); the newest, 8, closed in week 8.
    const version = (n: number) =>
      ticket(77, { state: n % 2 === 1 ? "open" : "closed", closedAt: n % 2 === 1 ? null : at(24 * 7 * n), updatedAt: at(24 * 7 * n + 1) });
    await together(9, (n) => saveTickets([version(n)]));
    const weeks = Array.from({ length: 9 }, (_, version) => weekOf(at(24 * 7 * version)));
    const closes = [];
    for (const week of weeks) {
      const entry = (await weekDocument(week))?.closed?.[77];
      if (entry && !entry.gone && entry.leadMs !== null) closes.push(week);
    }
    expect(closes).toEqual([weekOf(at(24 * 7 * 8))]);
  });

  it("set a week's other entries when one entry there was derived from a later read", async () => {
    const week = weekOf(at(1));
    // An entry of review 2002 derived after this test's writes will read (a version no clock reaches).
    const later = { author: "someone-later", v: Number.MAX_SAFE_INTEGER };
    await ReportWeekModel.collection.insertOne({ _id: reportWeekId(REPOSITORY, week) as never, repositoryId: REPOSITORY, week, reviews: { 2002: later } });
    await savePullRequests([pullRequest(1, { mergedAt: null, state: "open" })]);
    // One save, so the three entries are derived together and go to their week as one write.
    await saveReviews([2001, 2002, 2003].map((githubId) => review(githubId, 1, { submittedAt: at(1) })));
    const stored = await weekDocument(week);
    expect(stored!.reviews[2002]).toEqual(later);
    expect(Object.keys(stored!.reviews).sort()).toEqual(["2001", "2002", "2003"]);
    expect(stored!.reviews[2001].v).toBeLessThan(Number.MAX_SAFE_INTEGER);
  });

  it("go to each week as one update per derivation round, an entry derived twice in it set from the later read", () => {
    const write = (week: string, id: number, version: number): VersionedWrite => ({ repositoryId: REPOSITORY, week, section: "reviews", id, entry: { version }, version });
    const writes = [write("2026-03-02", 1, 20), write("2026-03-02", 2, 10), write("2026-03-09", 1, 10), write("2026-03-02", 1, 30), write("2026-03-02", 2, 5)];
    const { groups, superseded } = groupedByWeek(writes);
    // Week 03-02: entry 1 from its later read (index 3), entry 2 from its later read (index 1); week 03-09 alone.
    expect(groups.map((group) => [...group].sort())).toEqual([[1, 3], [2]]);
    expect([...superseded].sort()).toEqual([0, 4]);
  });
});
