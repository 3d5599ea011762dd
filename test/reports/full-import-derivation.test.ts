import { beforeEach, describe, expect, it } from "vitest";
import { RECENT_DAYS, syncNewestFirst, type NewestFirstSource, type Page } from "../../src/backfill/newest-first-sync.js";
import { weekOf } from "../../src/reports/weeks.js";
import { markPending } from "../../src/storage/import-statuses.js";
import { savePullRequests, type PullRequestRecord } from "../../src/storage/pull-requests.js";
import { readReportWeeks } from "../../src/storage/report-rollups.js";
import { clearDatabase } from "../helpers/database.js";
import { recordsOf } from "./records.js";

const REPOSITORY = 501;
const DAY = 86_400_000;
const now = Date.now();
const daysAgo = (days: number) => new Date(now - days * DAY);
const { pullRequest } = recordsOf(REPOSITORY, (hours) => new Date(now + hours * 3_600_000));

const recent = pullRequest(1, { createdAt: daysAgo(3), mergedAt: daysAgo(2) });
const older = pullRequest(2, { createdAt: daysAgo(RECENT_DAYS + 20), mergedAt: daysAgo(RECENT_DAYS + 10) });
const oldest = pullRequest(3, { createdAt: daysAgo(RECENT_DAYS + 40), mergedAt: daysAgo(RECENT_DAYS + 30) });

/** GitHub's pull requests of the repository, newest first, one per page; remembers how each page was saved. */
function pagedSource(records: PullRequestRecord[]) {
  const derivations: string[] = [];
  const source: NewestFirstSource<PullRequestRecord> = {
    service: "pullRequests",
    overlapMs: 0,
    async fetchPage(cursor): Promise<Page<PullRequestRecord>> {
      const index = cursor === null ? 0 : Number(cursor);
      return { nodes: [records[index]!], hasNextPage: index + 1 < records.length, endCursor: String(index + 1), totalCount: records.length };
    },
    timeOf: (record) => record.updatedAt,
    async save(nodes, reports) {
      derivations.push(reports);
      await savePullRequests(nodes, reports);
    },
  };
  return { source, derivations };
}

const mergedEntries = async (record: PullRequestRecord) =>
  Object.keys((await readReportWeeks([REPOSITORY], [weekOf(record.mergedAt!)]))[0]?.merged ?? {});

const run = (source: NewestFirstSource<PullRequestRecord>) =>
  syncNewestFirst(REPOSITORY, source, async () => ({ changed: true, etag: null }), async () => undefined);

beforeEach(async () => {
  await clearDatabase();
  await markPending(5, [REPOSITORY], "pullRequests");
});

describe("report entries of a full import", () => {
  it("are derived once the recent window is in, and for older history at the import's end, not page by page", async () => {
    const { source, derivations } = pagedSource([recent, older, oldest]);

    // The page that reaches past the recent window ends the first run: what it stored is older history.
    expect(await run(source)).toBe("continue-later");
    expect(await mergedEntries(recent)).toEqual(["1"]);
    expect(await mergedEntries(older)).toEqual(["2"]);

    expect(await run(source)).toBe("done");
    expect(await mergedEntries(oldest)).toEqual(["3"]);
    expect(derivations).toEqual(["at-import-end", "at-import-end", "at-import-end"]);
  });

  it("are derived with every page of an incremental sync", async () => {
    const { source } = pagedSource([recent]);
    await run(source);
    const changed = { ...recent, updatedAt: new Date(), title: "renamed" };
    const { source: later, derivations } = pagedSource([changed]);
    expect(await run(later)).toBe("done");
    expect(derivations).toEqual(["now"]);
    const [week] = await readReportWeeks([REPOSITORY], [weekOf(recent.mergedAt!)]);
    expect(week?.merged?.["1"]).toMatchObject({ title: "renamed" });
  });
});
