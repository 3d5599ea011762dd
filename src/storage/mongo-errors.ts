import { mongo } from "mongoose";

/**
 * A guarded upsert (filter on a version field plus `upsert: true`) fails with a duplicate key when the
 * document exists but is newer than the write: that is the "stale write skipped" outcome, not an error.
 */
export function isDuplicateKey(error: unknown): boolean {
  if (error instanceof mongo.MongoBulkWriteError) {
    const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    return errors.every((e) => e.code === 11000);
  }
  return error instanceof mongo.MongoServerError && error.code === 11000;
}

export async function ignoringStaleWrite<T>(write: Promise<T>): Promise<T | undefined> {
  try {
    return await write;
  } catch (error) {
    if (isDuplicateKey(error)) return undefined;
    throw error;
  }
}
