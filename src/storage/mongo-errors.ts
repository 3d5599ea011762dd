import { mongo } from "mongoose";

export function isDuplicateKey(error: unknown): boolean {
  if (error instanceof mongo.MongoBulkWriteError) {
    const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    return errors.every((e) => e.code === 11000);
  }
  return error instanceof mongo.MongoServerError && error.code === 11000;
}

/**
 * Runs a write whose duplicate key means "already done", not failure: a guarded upsert (filter on a version field
 * plus `upsert: true`) whose stored document is newer, or an insert of a record another writer just created.
 */
export async function ignoringDuplicateKey<T>(write: Promise<T>): Promise<T | undefined> {
  try {
    return await write;
  } catch (error) {
    if (isDuplicateKey(error)) return undefined;
    throw error;
  }
}

/**
 * A write that lost a conflict with a concurrent one and can simply run again: MongoDB's WriteConflict, and
 * PostgreSQL's serialization_failure and deadlock_detected (SQLSTATE 40001, 40P01 as DocumentDB packs them) —
 * concurrent inserts of one key can deadlock there.
 */
export function isTransientConflict(code: number | undefined): boolean {
  return code === 112 || code === 16777220 || code === 16908292;
}
