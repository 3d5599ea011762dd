import type { Model } from "mongoose";
import { ignoringStaleWrite } from "./mongo-errors.js";

/**
 * Writes records keyed by GitHub id unless the stored copy is newer (by GitHub's `updatedAt`): events arrive
 * late, twice, or after a backfill page, and none of those may roll data back. One round trip per batch.
 */
export async function upsertUnlessNewer<T extends { updatedAt: Date }>(
  model: Model<T>,
  records: Array<{ key: Record<string, unknown>; set: Partial<T> & { updatedAt: Date } }>,
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
      })) as never,
      { ordered: false },
    ),
  );
}
