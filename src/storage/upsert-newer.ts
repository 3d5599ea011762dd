import type { Model } from "mongoose";
import { ignoringStaleWrite } from "./mongo-errors.js";

/**
 * Writes records keyed by GitHub id unless the stored copy is newer (by GitHub's `updatedAt`): events arrive
 * late, twice, or after a backfill page, and none of those may roll data back. One round trip per batch.
 */
export async function upsertUnlessNewer<R extends { updatedAt: Date }>(
  // Any model with an updatedAt: the records' shape is checked by each caller's record type instead.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  model: Model<any>,
  records: Array<{ key: Record<string, unknown>; set: R }>,
): Promise<void> {
  if (records.length === 0) return;
  await ignoringStaleWrite(
    model.bulkWrite(
      records.map(({ key, set }) => ({
        updateOne: {
          filter: { ...key, updatedAt: { $lte: set.updatedAt } },
          update: { $set: set },
          upsert: true,
        },
      })),
      { ordered: false },
    ),
  );
}
