import { ReviewModel, type Review } from "./models/review.js";
import { upsertUnlessNewer } from "./bulk-writes.js";

export type ReviewRecord = Pick<Review, "githubId" | "updatedAt"> & Partial<Omit<Review, "githubId" | "updatedAt" | "syncedAt">>;

/** Stores reviews unless a newer version (by updatedAt) is stored: a late `submitted` never undoes a dismissal. */
export async function saveReviews(records: ReviewRecord[]): Promise<void> {
  const syncedAt = new Date();
  await upsertUnlessNewer(
    ReviewModel,
    records.map((record) => ({ key: { githubId: record.githubId }, set: { ...record, syncedAt } })),
  );
}
