import { ReviewModel, type Review } from "./models/review.js";
import { upsertUnlessNewer, type StageOrder, type VersionedRecord } from "./bulk-writes.js";
import { savedTogether } from "./group-commit.js";
import { githubIdsOf, rollUpReviews, type ReportDerivation } from "./report-rollups.js";
import { countCreated } from "./stored-counts.js";

export type ReviewRecord = Pick<Review, "githubId" | "updatedAt"> & Partial<Omit<Review, "githubId" | "updatedAt" | "syncedAt">>;

/** A review is pending, then submitted with its verdict, then perhaps dismissed; within one second, in that order. */
const LIFECYCLE: StageOrder<Review["state"]> = { field: "state", ranks: { PENDING: 0, COMMENTED: 1, APPROVED: 1, CHANGES_REQUESTED: 1, DISMISSED: 2 } };

/**
 * Stores reviews unless a newer version (by updatedAt) is stored, or the same version further along: a late
 * `submitted` never undoes a dismissal, even one in the same second. Concurrent saves are written together.
 */
export const saveReviews = savedTogether(async (records: ReviewRecord[], reports: ReportDerivation = "now") => {
  const syncedAt = new Date();
  // What this save wrote, created or updated: only those records' report entries can have changed.
  const updated: VersionedRecord[] = [];
  const created = await upsertUnlessNewer(
    ReviewModel,
    records.map((record) => ({ key: { githubId: record.githubId }, set: { ...record, syncedAt } })),
    "updatedAt",
    LIFECYCLE,
    (record) => updated.push(record),
  );
  await countCreated("reviews", created);
  if (reports === "now") await rollUpReviews(githubIdsOf([...created, ...updated]));
});
