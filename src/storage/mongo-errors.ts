import { mongo } from "mongoose";

/**
 * The statement-by-statement failures of a bulk write (an insertMany or a bulkWrite); null when it failed as a
 * whole. The driver reports a command the server refused outright — its PostgreSQL went away, say — as a bulk write
 * error too, with no statement errors: then nothing can be assumed written, and the caller must fail, not read the
 * empty list as "every statement succeeded".
 */
export function statementErrors(error: unknown): mongo.WriteError[] | null {
  if (!(error instanceof mongo.MongoBulkWriteError) || error.writeConcernError) return null;
  const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  return errors.length > 0 ? errors : null;
}

/**
 * A write that lost a conflict with a concurrent one and can simply run again: MongoDB's WriteConflict, and
 * PostgreSQL's serialization_failure and deadlock_detected (SQLSTATE 40001, 40P01 as DocumentDB packs them) —
 * concurrent inserts of one key can deadlock there.
 */
export function isTransientConflict(code: number | undefined): boolean {
  return code === 112 || code === 16777220 || code === 16908292;
}
