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

/**
 * The position of the statement an ordered batch stopped at, when it stopped on a duplicate key (the statements
 * before it were applied); undefined for any other error.
 */
export function duplicateKeyIndex(error: unknown): number | undefined {
  if (!(error instanceof mongo.MongoBulkWriteError)) return undefined;
  const [first] = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  return first?.code === 11000 ? first.index : undefined;
}
