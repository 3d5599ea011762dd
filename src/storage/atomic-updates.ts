import { mongo, type Model } from "mongoose";

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
 * `$set` fields of an update pipeline giving a document the schema's defaults (and `createdAt`) where it has no
 * value yet: an upsert with a pipeline inserts without mongoose's defaults. Stored values are kept.
 */
export function defaultsOnInsert(model: Model<any>, now: Date): Fields {
  const { _id, ...defaults } = new model().toObject();
  const fields = { ...defaults, ...(model.schema.get("timestamps") && { createdAt: now }) };
  return Object.fromEntries(Object.entries(fields).map(([field, value]) => [field, { $ifNull: [`$${field}`, literal(value)] }]));
}

const DUPLICATE_KEY = 11000;
/** PostgreSQL's SQLSTATE 40P01 (deadlock_detected), as DocumentDB reports it. */
const DEADLOCK_DETECTED = 16908292;

/**
 * Whether a write lost a race to create its document: another writer inserted the same key at that moment. MongoDB
 * answers a duplicate key; DocumentDB, whose unique indexes are PostgreSQL exclusion constraints, may instead abort
 * one of two conflicting inserts as a deadlock. Either way nothing was written, and the document now exists.
 */
function lostCreationRace(code: unknown): boolean {
  return code === DUPLICATE_KEY || code === DEADLOCK_DETECTED;
}

/** Runs an upsert keyed on a unique index; one that lost the race to create the document runs again and updates it. */
export async function upsertRacing<T>(upsert: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await upsert();
    } catch (error) {
      if (attempt === 3 || !(error instanceof mongo.MongoServerError) || !lostCreationRace(error.code)) throw error;
    }
  }
}

/**
 * Positions of the statements of an unordered batch of upserts that lost the race to create their document (see
 * `upsertRacing`); any other failure is rethrown.
 */
export function racedPositions(error: unknown): number[] {
  if (!(error instanceof mongo.MongoBulkWriteError)) throw error;
  const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  if (writeErrors.length === 0 || !writeErrors.every((writeError) => lostCreationRace(writeError.code))) throw error;
  return writeErrors.map((writeError) => writeError.index);
}
