import { setTimeout } from "node:timers/promises";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { DATA_KINDS, type DataKind } from "../../src/storage/data-kinds.js";
import { readDataPage } from "../../src/storage/data-pages.js";
import { positionBefore, sequenceChanges } from "../../src/storage/data-sequence.js";
import { PullRequestModel } from "../../src/storage/models/pull-request.js";
import { DataSequenceModel } from "../../src/storage/models/data-sequence.js";
import { savePullRequests } from "../../src/storage/pull-requests.js";
import { markRepositoryDeleted, renameOwner, updateRepositoryMetadata } from "../../src/storage/repositories.js";
import { markTicketDeleted, markTicketTransferred } from "../../src/storage/tickets.js";
import { clearDatabase } from "../helpers/database.js";
import { AT, pullRequest, range, shaOf, storeEveryKind } from "../helpers/every-kind.js";

const MINE = 7;
const OTHER = 8;

/** The identity of a record of each kind. */
const idOf = (kind: DataKind, record: Record<string, unknown>) =>
  String(kind === "commits" ? record.sha : kind === "members" ? record.userId : record.githubId);

/** Every page of a listing from `after` to its end; the pages' record ids, and where it ended. */
async function readAll(kind: DataKind, limit: number, after = 0) {
  const pages: string[][] = [];
  for (let hasMore = true; hasMore; ) {
    const page = await readDataPage(MINE, kind, after, limit);
    expect(page.records.length).toBeLessThanOrEqual(limit);
    expect(page.after).toBeGreaterThanOrEqual(after);
    pages.push(page.records.map((record) => idOf(kind, record)));
    ({ after, hasMore } = page);
  }
  return { ids: pages.flat(), pages, after };
}

beforeEach(clearDatabase);

describe("the data API's pages", () => {
  it("list every record of each kind of the installation once, a page of at most `limit` at a time, and no other installation's", async () => {
    await storeEveryKind(MINE, 23, 1000);
    await storeEveryKind(OTHER, 5, 5000);
    for (const kind of DATA_KINDS) {
      const { ids, pages } = await readAll(kind, 4);
      expect([kind, ids.sort()]).toEqual([kind, range(23, 1000).map((id) => kind === "commits" ? shaOf(id) : String(id)).sort()]);
      expect(pages.length).toBe(Math.ceil(23 / 4));
    }
  });

  it("show records as stored, without the database's id or their position", async () => {
    await storeEveryKind(MINE, 1, 1);
    const [pullRequest] = (await readDataPage(MINE, "pull-requests", 0, 10)).records;
    expect(pullRequest).toMatchObject({ githubId: 1, installationId: MINE, title: "v0", state: "open" });
    expect(Object.keys(pullRequest!)).not.toContain("_id");
    expect(Object.keys(pullRequest!)).not.toContain("sequence");
  });

  it("bring a record changed after the cursor passed it again, after the cursor, as its new version only", async () => {
    await storeEveryKind(MINE, 10, 1);
    const first = await readAll("pull-requests", 3);
    expect(first.ids).toHaveLength(10);
    await savePullRequests([pullRequest(4, MINE, 1), pullRequest(9, MINE, 1)]);
    const later = await readAll("pull-requests", 3, first.after);
    expect(later.ids.sort()).toEqual(["4", "9"]);
    const again = await readDataPage(MINE, "pull-requests", 0, 100);
    expect(again.records.map((record) => `${String(record.githubId)}:${String(record.title)}`)).toEqual([
      ...[1, 2, 3, 5, 6, 7, 8, 10].map((id) => `${id}:v0`),
      "4:v1",
      "9:v1",
    ]);
    // An unchanged write is no change: nothing comes again.
    await savePullRequests([pullRequest(4, MINE, 1)]);
    expect((await readAll("pull-requests", 3, later.after)).ids).toEqual([]);
  });

  it("bring a record again for a change only: a repeated deletion, rename or metadata update is no change", async () => {
    await storeEveryKind(MINE, 2, 1);
    const metadata = { language: "TypeScript", topics: ["a"], updatedAt: new Date("2026-02-01T00:00:00Z") };
    const changes = [
      () => updateRepositoryMetadata(1, metadata),
      () => markRepositoryDeleted(2, AT),
      () => renameOwner(MINE, "renamed"),
      () => markTicketDeleted(1, AT),
      () => markTicketTransferred(2, "o/elsewhere", AT),
    ];
    for (const change of changes) await change();
    const positions = { repositories: (await readAll("repositories", 10)).after, tickets: (await readAll("tickets", 10)).after };
    for (const change of changes) await change();
    expect((await readAll("repositories", 10, positions.repositories)).ids).toEqual([]);
    expect((await readAll("tickets", 10, positions.tickets)).ids).toEqual([]);
    await updateRepositoryMetadata(1, { ...metadata, topics: ["a", "b"] });
    expect((await readAll("repositories", 10, positions.repositories)).ids).toEqual(["1"]);
  });

  it("start a listing `updated_since` a time at the first position handed out in that hour or the latest hour before it", async () => {
    const hour = (iso: string) => new Date(iso);
    await DataSequenceModel.create({
      _id: `${MINE}:commits`, next: 300, settled: 299,
      hourMarks: [{ hour: hour("2026-01-01T10:00:00Z"), first: 1 }, { hour: hour("2026-01-03T15:00:00Z"), first: 120 }],
    });
    expect(await positionBefore(MINE, "commits", hour("2025-12-31T23:00:00Z"))).toBe(0);
    expect(await positionBefore(MINE, "commits", hour("2026-01-02T08:00:00Z"))).toBe(0);
    expect(await positionBefore(MINE, "commits", hour("2026-01-03T15:59:00Z"))).toBe(119);
    expect(await positionBefore(MINE, "commits", hour("2026-02-01T00:00:00Z"))).toBe(119);
    expect(await positionBefore(MINE, "reviews", hour("2026-02-01T00:00:00Z"))).toBe(0);
  });
});

describe("paging while writers insert and update records", () => {
  it("sees every record's latest version, skips none and sees no version twice", async () => {
    const WRITERS = 4;
    const ROUNDS = 25;
    const latest = new Map<number, number>();
    let writing = true;

    /** Writer w owns the ids w, w + WRITERS, …: each round it creates three and changes three of its own. */
    async function writer(w: number) {
      const own: number[] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        const created = range(3, round * 3).map((i) => i * WRITERS + w + 1);
        own.push(...created);
        const changed = range(3).map(() => own[Math.floor(Math.random() * own.length)]!);
        const records = [...new Set([...created, ...changed])].map((id) => {
          const version = latest.has(id) ? latest.get(id)! + 1 : 0;
          latest.set(id, version);
          return pullRequest(id, MINE, version);
        });
        await savePullRequests(records);
        // A pause now and then, as real traffic has: readers catch up, and see records change after they passed them.
        await setTimeout(Math.random() * 20);
      }
    }

    /** Pages from the beginning until the writers are done and nothing more is there. */
    async function reader(limit: number) {
      const seen: string[] = [];
      const newest = new Map<number, number>();
      let after = 0;
      // Until a page read wholly after the last write says nothing more is there: a page begun while a writer was still
      // at work may have been read before that writer's last records.
      for (let hasMore = true, begunWhileWriting = true; begunWhileWriting || hasMore; ) {
        begunWhileWriting = writing;
        const page = await readDataPage(MINE, "pull-requests", after, limit);
        for (const record of page.records) {
          const version = Number(String(record.title).slice(1));
          seen.push(`${String(record.githubId)}@${version}`);
          expect(version).toBeGreaterThan(newest.get(record.githubId as number) ?? -1);
          newest.set(record.githubId as number, version);
        }
        ({ after, hasMore } = page);
      }
      return { seen, newest };
    }

    const readers = Promise.all([reader(7), reader(50)]);
    await Promise.all(range(WRITERS).map(writer)).finally(() => (writing = false));
    const results = await readers;
    for (const { seen, newest } of results) {
      expect(new Set(seen).size).toBe(seen.length);
      expect(Object.fromEntries(newest)).toEqual(Object.fromEntries(latest));
    }
    // Records changed while the readers paged came again, each time as a newer version.
    expect(results.reduce((again, { seen }) => again + seen.length - latest.size, 0)).toBeGreaterThan(0);
  }, 120_000);
});

describe("a sequencer that stalls past its lease", () => {
  it("takes back the positions it writes late, so a reader past them still gets the record's new version", async () => {
    await savePullRequests(range(3).map((n) => pullRequest(n + 1, MINE)));
    // The first sequencer reserves positions 1-3, then stalls before writing them.
    let reachedWrite!: () => void;
    const atWrite = new Promise<void>((resolve) => (reachedWrite = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const write = PullRequestModel.bulkWrite.bind(PullRequestModel);
    vi.spyOn(PullRequestModel, "bulkWrite").mockImplementationOnce(async (...args) => {
      reachedWrite();
      await released;
      return write(...args);
    });
    const stalled = sequenceChanges(MINE, "pull-requests", 1_000);
    await atWrite;
    // Its lease lapses; another sequencer takes over, gives the three records positions 4-6, and a reader reads them.
    await DataSequenceModel.updateOne({ _id: `${MINE}:pull-requests` }, { $set: { lockedUntil: new Date(0) } });
    expect(await sequenceChanges(MINE, "pull-requests", 1_000)).toBe(false);
    const firstRead = await readAll("pull-requests", 10);
    expect(firstRead.ids.sort()).toEqual(["1", "2", "3"]);
    // Record 1 changes, and awaits a position again when the stalled sequencer's write lands with position 1.
    await savePullRequests([pullRequest(1, MINE, 1)]);
    release();
    await stalled;

    const rest = await readAll("pull-requests", 10, firstRead.after);
    expect(rest.ids).toEqual(["1"]);
    expect((await PullRequestModel.findOne({ githubId: 1 }, { sequence: 1 }).lean())!.sequence).toBeGreaterThan(firstRead.after);
  });
});
