import { setTimeout as sleep } from "node:timers/promises";
import { mongo, type AnyBulkWriteOperation, type Model } from "mongoose";
import { isTransientConflict, statementErrors } from "./mongo-errors.js";

/*
 * On DocumentDB an update of a stored document is atomic (its condition is read and its fields written as one), but
 * an upsert that inserts is not: concurrent upserts of one new key leave one document yet lose updates (8 `$inc`
 * upserts at once of a new key, 20 times: 29 of the 160 increments lost, with no error). So documents are created
 * by a plain insert, whose unique index admits one writer, and changed only by updates.
 */

type Fields = Record<string, unknown>;

/** A value written as given: in an update pipeline a string starting with "$" would otherwise name a field. */
const literal = (value: unknown) => ({ $literal: value });

/**
 * `$set` fields of an update pipeline: the `then` values where `condition` holds on the stored document, else the
 * `otherwise` values (a field missing from one side keeps its stored value there). The condition is read and the
 * fields written by one single-document update, so no other write can land in between.
 */
export function fieldsWhen(condition: unknown, then: Fields, otherwise: Fields): Fields {
  const value = (values: Fields, field: string) => (field in values ? literal(values[field]) : `$${field}`);
  const fields = new Set([...Object.keys(then), ...Object.keys(otherwise)]);
  return Object.fromEntries([...fields].map((field) => [field, { $cond: [condition, value(then, field), value(otherwise, field)] }]));
}

/**
 * Whether an insert failed because another writer holds its key: MongoDB answers a duplicate key; DocumentDB, whose
 * unique indexes are PostgreSQL exclusion constraints, may instead abort an insert racing another write of that key
 * as a deadlock. Either way nothing was inserted.
 */
function keyTaken(code: unknown): boolean {
  return typeof code === "number" && (code === 11000 || isTransientConflict(code));
}

/** Runs an insert; false when its key was taken (the document exists, or is being written by another). */
export async function insertUnlessTaken(insert: () => Promise<unknown>): Promise<boolean> {
  try {
    await insert();
    return true;
  } catch (error) {
    if (error instanceof mongo.MongoServerError && keyTaken(error.code)) return false;
    throw error;
  }
}

/** Positions of the documents of an unordered insertMany whose key was taken; any other failure is rethrown. */
export function takenPositions(error: unknown): number[] {
  // Mongoose's insertMany hands back plain `{ err, index }` objects in place of the driver's WriteErrors.
  const writeErrors = statementErrors(error) as { index: number; code?: unknown; err?: { code?: unknown } }[] | null;
  if (!writeErrors || !writeErrors.every((writeError) => keyTaken(writeError.code ?? writeError.err?.code))) throw error;
  return writeErrors.map((writeError) => writeError.index);
}

const CONFLICT_ATTEMPTS = 8;
const CONFLICT_BACKOFF_MS = 50;

/**
 * Changes a stored document, or creates it when there is none: the update when it matches, else the insert, else
 * (another writer holds the key) the update again, after a random wait a little longer each round: on DocumentDB
 * inserts of one new key can abort each other as deadlocks, and writers retrying at once kept meeting again.
 */
export async function updateOrInsert(update: () => Promise<{ matchedCount: number }>, insert: () => Promise<unknown>): Promise<void> {
  for (let round = 1; (await update()).matchedCount === 0; round += 1) {
    if (await insertUnlessTaken(insert)) return;
    await sleep(Math.random() * CONFLICT_BACKOFF_MS * round);
  }
}

/**
 * An unordered bulk write whose statements that lost a conflict with a concurrent write (a DocumentDB deadlock) are
 * sent again after a random wait, until each is applied; any other failure is thrown. For statements that may run
 * twice (idempotent updates). Resolves with how many statements matched a document (a lower bound if a failed
 * attempt did not report its matches).
 */
export async function bulkWriteThroughConflicts(model: Model<any>, operations: AnyBulkWriteOperation[]): Promise<number> {
  let pending = operations;
  let matched = 0;
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    try {
      return matched + (await model.bulkWrite(pending, { ordered: false })).matchedCount;
    } catch (error) {
      const failures = statementErrors(error);
      if (!failures?.every((failure) => isTransientConflict(failure.code)) || attempt === CONFLICT_ATTEMPTS) throw error;
      matched += (error as { result?: { matchedCount?: number } }).result?.matchedCount ?? 0;
      pending = failures.map((failure) => pending[failure.index]!);
      await sleep(Math.random() * CONFLICT_BACKOFF_MS * attempt);
    }
  }
  return matched;
}
