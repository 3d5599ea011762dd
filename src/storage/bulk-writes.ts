import type { AnyBulkWriteOperation, Model } from "mongoose";
import { isDuplicateKey } from "./mongo-errors.js";

/**
 * FerretDB v1 never answers an update command of 100 or more statements, and stops an unordered batch at its
 * first error (MongoDB goes on). So batches are cut into chunks well below 100, and batches are built so that no
 * statement is expected to fail.
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

const keyOf = (key: Record<string, unknown>) => JSON.stringify(Object.entries(key).sort());

/**
 * Writes records unless the stored copy is newer by `versionField` (an equal version overwrites): events arrive
 * late, twice, or after a backfill page, and none of those may roll data back. Per chunk: one read of the stored
 * keys, one insert of the new records (with schema defaults), one batch of guarded updates — no statement fails on
 * purpose, which keeps FerretDB's batches whole.
 */
export async function upsertUnlessNewer(model: AnyModel, records: VersionedRecord[], versionField = "updatedAt"): Promise<void> {
  await insertNewThen(model, records, (known) => guardedUpdates(model, known, versionField));
}

/** Creates the records that are not stored yet (with schema defaults) and leaves stored ones alone. */
export async function insertIfMissing(model: AnyModel, records: VersionedRecord[]): Promise<void> {
  await insertNewThen(model, records, async () => {});
}

/**
 * Inserts the records whose key is not stored yet, and hands the others to `updateKnown`. Backfill pages are mostly
 * new records, and FerretDB v1 reads a whole collection for every filtered statement: one read and one insert per
 * chunk keep a page's cost flat as collections grow, where one update per record would not.
 */
export async function insertNewThen(
  model: AnyModel,
  records: VersionedRecord[],
  updateKnown: (known: VersionedRecord[]) => Promise<void>,
): Promise<void> {
  for (const chunk of chunks(records)) {
    const { fresh, known } = await partitionByStored(model, chunk);
    await insertWithDefaults(model, fresh, updateKnown);
    if (known.length > 0) await updateKnown(known);
  }
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

async function partitionByStored(model: AnyModel, records: VersionedRecord[]) {
  const keyFields = Object.keys(records[0]!.key);
  const stored = await model.find(matchingAnyKey(records.map((record) => record.key)), Object.fromEntries(keyFields.map((f) => [f, 1]))).lean<Record<string, unknown>[]>();
  const storedKeys = new Set(stored.map((doc) => keyOf(Object.fromEntries(keyFields.map((field) => [field, doc[field]])))));
  return {
    fresh: records.filter((record) => !storedKeys.has(keyOf(record.key))),
    known: records.filter((record) => storedKeys.has(keyOf(record.key))),
  };
}

function newDocument(model: AnyModel, record: VersionedRecord) {
  // A model instance applies the schema's defaults (FerretDB drops nulls from upserts' $setOnInsert).
  return new model({ ...record.key, ...record.setOnInsert, ...record.set }).toObject();
}

/** Inserts new records; any that another writer created meanwhile go to `alreadyStored` instead. */
async function insertWithDefaults(
  model: AnyModel,
  records: VersionedRecord[],
  alreadyStored: (records: VersionedRecord[]) => Promise<void>,
): Promise<void> {
  if (records.length === 0) return;
  try {
    await model.collection.insertMany(records.map((record) => newDocument(model, record)), { ordered: true });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    // Another writer created some of them meanwhile: settle each on its own.
    for (const record of records) {
      try {
        await model.collection.insertOne(newDocument(model, record));
      } catch (insertError) {
        if (!isDuplicateKey(insertError)) throw insertError;
        await alreadyStored([record]);
      }
    }
  }
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
