import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CHUNK_SIZE, upsertUnlessNewer } from "../../src/storage/bulk-writes.js";
import { PullRequestModel } from "../../src/storage/models/pull-request.js";
import { ReviewModel } from "../../src/storage/models/review.js";
import { clearDatabase } from "../helpers/database.js";

const OLD = new Date("2026-01-01T00:00:00Z");
const NEW = new Date("2026-02-01T00:00:00Z");

function review(githubId: number, updatedAt: Date, state = "APPROVED") {
  return {
    key: { githubId },
    set: { githubId, pullRequestId: 1, repositoryId: 1, installationId: 7, state, updatedAt, syncedAt: new Date() },
  };
}

async function storedStates(): Promise<Map<number, string>> {
  const stored = await ReviewModel.find({}, { githubId: 1, state: 1 }).lean();
  return new Map(stored.map((doc) => [doc.githubId, doc.state]));
}

describe("batched writes of versioned records", () => {
  beforeEach(clearDatabase);
  afterEach(() => vi.restoreAllMocks());

  it("writes nothing of a batch in which a record lacks its GitHub id", async () => {
    const keyless = { ...review(2, NEW), key: { githubId: undefined as unknown as number } };

    await expect(upsertUnlessNewer(ReviewModel, [review(1, NEW), keyless], "updatedAt")).rejects.toThrow(/without its full key/);

    expect(await ReviewModel.countDocuments()).toBe(0);
  });

  /** Runs `write` as another writer would: after this one read the stored copies, before its first write. */
  function betweenReadAndWrite(write: () => Promise<unknown>) {
    let competitor: Promise<unknown> | undefined;
    const competing = () => (competitor ??= write());
    const { collection } = ReviewModel;
    const insertMany = collection.insertMany.bind(collection);
    vi.spyOn(collection, "insertMany").mockImplementationOnce(async (documents, options) => {
      await competing();
      return insertMany(documents, options);
    });
    const bulkWrite = collection.bulkWrite.bind(collection);
    vi.spyOn(collection, "bulkWrite").mockImplementationOnce(async (operations, options) => {
      await competing();
      return bulkWrite(operations, options);
    });
  }

  it("inserts new records with the schema's defaults", async () => {
    await upsertUnlessNewer(ReviewModel, [review(1, NEW)]);
    const stored = await ReviewModel.findOne({ githubId: 1 }).lean();
    expect(stored).toMatchObject({ state: "APPROVED", author: null, submittedAt: null });
  });

  it("across chunks, inserts the new records, updates the older stored ones and keeps the newer ones", async () => {
    // Stored records sit at the start, the middle and the end of chunks.
    const storedOlder = [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE + 7];
    const storedNewer = [3, CHUNK_SIZE, 2 * CHUNK_SIZE + 4];
    await upsertUnlessNewer(ReviewModel, [
      ...storedOlder.map((id) => review(id, OLD, "COMMENTED")),
      ...storedNewer.map((id) => review(id, NEW, "DISMISSED")),
    ]);

    const page = Array.from({ length: 2 * CHUNK_SIZE + 5 }, (_, id) => review(id, storedNewer.includes(id) ? OLD : NEW));
    await upsertUnlessNewer(ReviewModel, page);

    const states = await storedStates();
    expect(states.size).toBe(page.length);
    for (const id of storedNewer) expect(states.get(id)).toBe("DISMISSED");
    const others = [...states].filter(([id]) => !storedNewer.includes(id));
    expect(others.every(([, state]) => state === "APPROVED")).toBe(true);
  });

  it("stores a record listed twice in one page once, at its newest version", async () => {
    await upsertUnlessNewer(ReviewModel, [review(5, OLD, "COMMENTED"), review(6, NEW), review(5, NEW, "APPROVED")]);
    expect(await storedStates()).toEqual(new Map([[5, "APPROVED"], [6, "APPROVED"]]));
  });

  it("leaves stored records that would not change untouched, down to their write time", async () => {
    const firstWrite = [review(1, OLD), review(2, OLD), review(3, OLD)].map((record) => ({ ...record, set: { ...record.set, syncedAt: OLD } }));
    await upsertUnlessNewer(ReviewModel, firstWrite);

    await upsertUnlessNewer(ReviewModel, [review(1, OLD), review(2, OLD, "DISMISSED"), review(3, NEW)]);

    const stored = await ReviewModel.find({}, { githubId: 1, state: 1, syncedAt: 1 }).sort({ githubId: 1 }).lean();
    expect(stored.map((doc) => [doc.githubId, doc.state, doc.syncedAt.getTime() === OLD.getTime()])).toEqual([
      [1, "APPROVED", true],
      [2, "DISMISSED", false],
      [3, "APPROVED", false],
    ]);
  });

  it("writes a record another writer created since the read as a guarded update: the newer version wins", async () => {
    betweenReadAndWrite(() => ReviewModel.collection.insertMany([review(1, OLD, "COMMENTED").set, review(2, NEW, "DISMISSED").set]));
    await upsertUnlessNewer(ReviewModel, [review(1, NEW), review(2, OLD), review(3, NEW)]);
    expect(await storedStates()).toEqual(new Map([[1, "APPROVED"], [2, "DISMISSED"], [3, "APPROVED"]]));
  });

  it("updates as it inserts: an undefined value leaves the stored one, and a field the schema lacks is not stored", async () => {
    await upsertUnlessNewer(ReviewModel, [{ ...review(1, OLD), set: { ...review(1, OLD).set, submittedAt: OLD } }]);
    const newer = review(1, NEW, "DISMISSED");
    await upsertUnlessNewer(ReviewModel, [{ ...newer, set: { ...newer.set, submittedAt: undefined, notInTheSchema: "x" } }]);
    const stored = await ReviewModel.findOne({ githubId: 1 }).lean<Record<string, unknown>>();
    expect(stored).toMatchObject({ state: "DISMISSED", updatedAt: NEW, submittedAt: OLD });
    expect(stored).not.toHaveProperty("notInTheSchema");
  });

  it("keeps a newer version written since the read", async () => {
    await upsertUnlessNewer(ReviewModel, [review(1, OLD, "COMMENTED")]);
    betweenReadAndWrite(() => ReviewModel.updateOne({ githubId: 1 }, { $set: { state: "DISMISSED", updatedAt: NEW } }));
    await upsertUnlessNewer(ReviewModel, [review(1, new Date("2026-01-15T00:00:00Z"))]);
    expect(await storedStates()).toEqual(new Map([[1, "DISMISSED"]]));
  });

  describe("a field the schema keeps at its latest value (keepLatest)", () => {
    const READY = new Date("2026-01-10T00:00:00Z");
    const READY_AGAIN = new Date("2026-01-20T00:00:00Z");

    function pullRequest(updatedAt: Date, readyForReviewAt: Date | null, title = "A change") {
      const set = { githubId: 1, nodeId: "PR_1", repositoryId: 1, installationId: 7, number: 1, title, state: "open", createdAt: OLD, updatedAt, baseRef: "main", headRef: "x", readyForReviewAt, syncedAt: new Date() };
      return { key: { githubId: 1 }, set };
    }
    const stored = () => PullRequestModel.findOne({ githubId: 1 }, { title: 1, readyForReviewAt: 1, syncedAt: 1 }).lean();

    it("is stored as written when the record is created", async () => {
      await upsertUnlessNewer(PullRequestModel, [pullRequest(OLD, READY)]);
      expect(await stored()).toMatchObject({ readyForReviewAt: READY });
    });

    it("moves forward even from an older version of the record, whose other fields lose", async () => {
      await upsertUnlessNewer(PullRequestModel, [pullRequest(NEW, READY, "Newer title")]);
      const updated: unknown[] = [];
      await upsertUnlessNewer(PullRequestModel, [pullRequest(OLD, READY_AGAIN, "Older title")], "updatedAt", undefined, (record) => updated.push(record.key));
      expect(await stored()).toMatchObject({ title: "Newer title", readyForReviewAt: READY_AGAIN });
      expect(updated).toEqual([{ githubId: 1 }]);
    });

    it("never moves back, nor to null, from a newer version of the record, whose other fields win", async () => {
      await upsertUnlessNewer(PullRequestModel, [pullRequest(OLD, READY_AGAIN)]);
      await upsertUnlessNewer(PullRequestModel, [pullRequest(NEW, READY, "Newer title")]);
      expect(await stored()).toMatchObject({ title: "Newer title", readyForReviewAt: READY_AGAIN });
      await upsertUnlessNewer(PullRequestModel, [pullRequest(NEW, null, "Newest title")]);
      expect(await stored()).toMatchObject({ title: "Newest title", readyForReviewAt: READY_AGAIN });
    });

    it("sends nothing when neither it nor the versioned fields would change", async () => {
      await upsertUnlessNewer(PullRequestModel, [{ ...pullRequest(NEW, READY_AGAIN), set: { ...pullRequest(NEW, READY_AGAIN).set, syncedAt: OLD } }]);
      const updated: unknown[] = [];
      await upsertUnlessNewer(PullRequestModel, [pullRequest(OLD, READY), pullRequest(NEW, READY_AGAIN)], "updatedAt", undefined, (record) => updated.push(record));
      expect(updated).toEqual([]);
      expect((await stored())?.syncedAt).toEqual(OLD);
    });

    it("moves forward when another writer stored a later version since the read", async () => {
      await upsertUnlessNewer(PullRequestModel, [pullRequest(OLD, null)]);
      const { collection } = PullRequestModel;
      const bulkWrite = collection.bulkWrite.bind(collection);
      vi.spyOn(collection, "bulkWrite").mockImplementationOnce(async (operations, options) => {
        await PullRequestModel.updateOne({ githubId: 1 }, { $set: { updatedAt: NEW, title: "Newer title" } });
        return bulkWrite(operations, options);
      });
      await upsertUnlessNewer(PullRequestModel, [pullRequest(new Date("2026-01-15T00:00:00Z"), READY, "Older title")]);
      expect(await stored()).toMatchObject({ title: "Newer title", readyForReviewAt: READY });
    });
  });
});
