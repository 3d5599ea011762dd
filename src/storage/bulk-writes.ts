import type { AnyBulkWriteOperation, Model } from "mongoose";
import { duplicateKeyIndex } from "./mongo-errors.js";

/**
 * FerretDB v1 never answers an update command of 100 or more statements, and stops an unordered batch at its
 * first error (MongoDB goes on). So batches are cut into chunks well below 100, and are ordered: a batch that stops
 * says where, and the caller resumes after that statement.
 */
export const CHUNK_SIZE = 50;

export function chunks<T>(items: T[], size = CHUNK_SIZE): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

// Storage helpers serve every model; each caller's record type checks the shape.
type AnyModel = Model<any>;

export async function bulkWriteInChunks(model: AnyModel, operations: AnyBulkWriteOperation[]): Promise<void> {
  for (const chunk of chunks(operations)) await model.bulkWrite(chunk, { ordered: true });
}

export interface VersionedRecord {
  /** Equality filter naming the record, e.g. `{ githubId }`. */
  key: Record<string, unknown>;
  set: Record<string, unknown>;
  /** Fields written only when the record is created. */
  setOnInsert?: Record<string, unknown>;
}

/**
 * Writes records unless the stored copy is newer by `versionField` (an equal version overwrites): events arrive
 * late, twice, or after a backfill page, and none of those may roll data back. New records are inserted (with schema
 * defaults), stored ones that changed get one batch of guarded updates per chunk.
 */
export async function upsertUnlessNewer(model: AnyModel, records: VersionedRecord[], versionField = "updatedAt"): Promise<void> {
  await insertNewThen(model, records, async (known) => guardedUpdates(model, await changedRecords(model, known, versionField), versionField));
}

/** Creates the records that are not stored yet (with schema defaults) and leaves stored ones alone. */
export async function insertIfMissing(model: AnyModel, records: VersionedRecord[]): Promise<void> {
  await insertNewThen(model, records, async () => {});
}

/**
 * Inserts the records whose key is not stored yet, and hands the others to `updateKnown`. Inserts come first and
 * a duplicate key tells a stored record: FerretDB v1 answers an insert through its unique index, but reads a whole
 * collection (decoding every document) for any filtered statement — a backfill page of new records, the common
 * case, then costs one insert per chunk however large the collections grow. Each duplicate costs one more insert of
 * the rest of the chunk, which stays cheap on MongoDB too.
 */
export async function insertNewThen(
  model: AnyModel,
  records: VersionedRecord[],
  updateKnown: (known: VersionedRecord[]) => Promise<void>,
): Promise<void> {
  for (const chunk of chunks(records)) {
    const known: VersionedRecord[] = [];
    let rest = chunk;
    while (rest.length > 0) {
      const inserted = await insertUntilDuplicate(model, rest);
      if (inserted === rest.length) break;
      known.push(rest[inserted]!);
      rest = rest.slice(inserted + 1);
    }
    if (known.length > 0) await updateKnown(known);
  }
}

function newDocument(model: AnyModel, record: VersionedRecord) {
  // A model instance applies the schema's defaults (FerretDB drops nulls from upserts' $setOnInsert).
  return new model({ ...record.key, ...record.setOnInsert, ...record.set }).toObject();
}

/** Inserts records in order up to the first one already stored; returns how many were inserted. */
async function insertUntilDuplicate(model: AnyModel, records: VersionedRecord[]): Promise<number> {
  try {
    await model.collection.insertMany(records.map((record) => newDocument(model, record)), { ordered: true });
    return records.length;
  } catch (error) {
    const firstFailed = duplicateKeyIndex(error);
    if (firstFailed === undefined) throw error;
    return firstFailed;
  }
}

/** The time of the write itself, which alone is no change worth writing. */
const WRITE_TIME = "syncedAt";

/**
 * The stored records these writes would change. Several are read back in one statement: on FerretDB v1 each update
 * reads the whole collection, and one read that drops the unchanged ones (an incremental sync re-sends a changed
 * pull request's unchanged reviews) costs less than the updates it saves. A single record is simply written.
 * With `versionField`, records older than the stored copy are dropped too.
 */
export async function changedRecords(model: AnyModel, records: VersionedRecord[], versionField?: string): Promise<VersionedRecord[]> {
  if (records.length < 2) return records;
  const keyFields = Object.keys(records[0]!.key);
  const stored = await model.find(matchingAnyKey(records.map((record) => record.key))).lean<Record<string, unknown>[]>();
  const storedByKey = new Map(stored.map((doc) => [canonical(keyFields.map((field) => doc[field])), doc]));
  return records.filter((record) => {
    const doc = storedByKey.get(canonical(keyFields.map((field) => record.key[field])));
    if (!doc) return true;
    if (versionField && (doc[versionField] as Date) > (record.set[versionField] as Date)) return false;
    return Object.entries(record.set).some(([field, value]) => field !== WRITE_TIME && value !== undefined && canonical(value) !== canonical(doc[field]));
  });
}

/** One filter matching every key: `$in` on the one field that varies (FerretDB evaluates a long `$or` slowly). */
function matchingAnyKey(keys: Record<string, unknown>[]): Record<string, unknown> {
  const fields = Object.keys(keys[0]!);
  const varying = fields.filter((field) => new Set(keys.map((key) => key[field])).size > 1);
  if (varying.length > 1) return { $or: keys };
  const filter: Record<string, unknown> = { ...keys[0] };
  if (varying[0]) filter[varying[0]] = { $in: keys.map((key) => key[varying[0]!]) };
  return filter;
}

/** A value as text with object keys sorted (dates become ISO strings): a stored copy of a value compares equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}

async function guardedUpdates(model: AnyModel, records: VersionedRecord[], versionField: string): Promise<void> {
  if (records.length === 0) return;
  await model.bulkWrite(
    records.map((record) => ({
      updateOne: { filter: { ...record.key, [versionField]: { $lte: record.set[versionField] } }, update: { $set: record.set } },
    })),
    { ordered: true },
  );
}
