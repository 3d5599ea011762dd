import { setTimeout } from "node:timers/promises";
import { resequenced } from "./sequence-reset.js";
import type { AnyBulkWriteOperation, Model, mongo } from "mongoose";
import { isTransientConflict, statementErrors } from "./mongo-errors.js";

/** Records per round trip: each chunk costs one indexed `$in` read and one write of inserts and updates at once. */
export const CHUNK_SIZE = 500;

export function chunks<T>(items: T[], size = CHUNK_SIZE): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

// Storage helpers serve every model; each caller's record type checks the shape.
type AnyModel = Model<any>;

/** A stored record as read back for comparison: its key and the fields compared, nothing else. */
export type StoredCopy = Record<string, unknown>;

export interface VersionedRecord {
  /** Equality filter naming the record, e.g. `{ githubId }`. */
  key: Record<string, unknown>;
  /** Fields written whenever the record is written (dotted paths allowed). */
  set: Record<string, unknown>;
  /** Fields written only when the record is created. */
  setOnInsert?: Record<string, unknown>;
}

/** How the records of one kind are brought up to date once their stored copies are known. */
export interface ChunkedWrite {
  /** Fields (besides the key) of the stored copy that `updates` looks at. */
  compared(record: VersionedRecord): string[];
  /**
   * The statements that bring a stored record up to date, none when nothing would change. `stored` is absent when
   * another writer created the record after the read: its content is unknown, so the write relies on its filter.
   */
  updates(record: VersionedRecord, stored?: StoredCopy): AnyBulkWriteOperation[];
}

/** Attempts at a record whose write keeps meeting transient conflicts before the conflict is let through. */
const ATTEMPTS = 8;
/**
 * Writers that deadlocked wait a random while (up to this, times the attempt) so that they do not meet again: on
 * DocumentDB, concurrent inserts of one key can deadlock, and the survivor commits only once PostgreSQL has told the
 * deadlock (deadlock_timeout: 1 s by default, 200 ms on the embedded cluster), so an immediate retry would read
 * nothing and insert again.
 */
const CONFLICT_BACKOFF_MS = 250;

/**
 * Writes records in chunks. A chunk reads the stored copies of its records in one statement, then sends, side by
 * side and unordered, one insert of the records not stored (with the schema's defaults) and one bulk write of
 * `write.updates` for the others. An insert that meets a duplicate key lost a race with another writer that created the record since the
 * read; that record is written again as an update, so nothing is lost and nothing is rolled back. A statement that
 * meets a transient conflict (a deadlock between concurrent writers) is tried again from a fresh read. Returns the
 * records this call created: the unique key admits one insert, so each record is reported by one writer only.
 */
export async function writeInChunks(model: AnyModel, records: VersionedRecord[], write: ChunkedWrite): Promise<VersionedRecord[]> {
  refuseIncompleteKeys(model, records);
  const created: VersionedRecord[] = [];
  for (const chunk of chunks(records)) {
    let pending = chunk;
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      const outcome = await writeChunk(model, pending, write);
      created.push(...outcome.created);
      if (outcome.conflicted.length > 0 && attempt === ATTEMPTS) throw outcome.conflict;
      if (outcome.conflicted.length > 0) await setTimeout(Math.random() * CONFLICT_BACKOFF_MS * attempt);
      pending = outcome.conflicted;
    }
  }
  return created;
}

/**
 * A key with a missing part would store a record nobody can find again, or (as a filter) match records it does not
 * name: such a record is a bug upstream, and nothing of the batch is written.
 */
function refuseIncompleteKeys(model: AnyModel, records: VersionedRecord[]): void {
  const incomplete = records.find((record) => Object.values(record.key).some((part) => part === undefined || part === null || Number.isNaN(part)));
  if (incomplete) throw new Error(`refusing to write a ${model.modelName} without its full key: ${JSON.stringify(incomplete.key)}`);
}

/**
 * One attempt at a chunk; returns the records it created, the records whose statements met a transient conflict,
 * and that conflict.
 */
async function writeChunk(model: AnyModel, records: VersionedRecord[], write: ChunkedWrite) {
  const keyFields = Object.keys(records[0]!.key);
  const storedByKey = await readStored(model, records, [...new Set(records.flatMap((record) => write.compared(record)))]);
  const fresh: VersionedRecord[] = [];
  const updates = records.flatMap((record) => {
    const stored = storedByKey.get(keyOf(keyFields, record.key));
    if (stored) return write.updates(record, stored);
    fresh.push(record);
    return [];
  });
  // Inserts and updates touch different records: both go at once.
  const [inserted, updated] = await Promise.all([
    noteFailures(keyFields, () => insertAll(model, fresh.map((record) => newDocument(model, record)))),
    noteFailures(keyFields, () => bulkWrite(model, updates)),
  ]);
  const createdMeanwhile = records.filter((record) => inserted.duplicates.has(keyOf(keyFields, record.key)));
  const rewritten = await noteFailures(keyFields, () => bulkWrite(model, createdMeanwhile.flatMap((record) => write.updates(record))));
  const failures = [inserted, updated, rewritten];
  const conflicts = new Set(failures.flatMap((failure) => [...failure.conflicts]));
  const notInserted = new Set([...inserted.duplicates, ...inserted.conflicts]);
  return {
    created: fresh.filter((record) => !notInserted.has(keyOf(keyFields, record.key))),
    conflicted: records.filter((record) => conflicts.has(keyOf(keyFields, record.key))),
    conflict: failures.find((failure) => failure.error)?.error,
  };
}

/**
 * How two versions of a record with one time are ordered. GitHub's times have whole seconds, so two changes in one
 * second (opened, then closed) carry the same version, and whichever copy is written last would win. Within a second
 * a record's stage moves forward, so on a tie the write wins if its stage ranks at least as high as the stored one
 * (the exception, a reopen in the second of its close, stays closed until the next change).
 */
export interface StageOrder<Stage extends string = string> {
  field: string;
  /** Each stage's rank; a value not listed ranks below them all (stored, it is overwritten; written, it loses). */
  ranks: Record<Stage, number>;
}

/** The stored copies `record` may overwrite: not newer by `versionField`, nor of the same version at a later stage. */
function overwritable(record: VersionedRecord, versionField: string, order?: StageOrder) {
  const version = record.set[versionField] as Date;
  const rank = (copy: Record<string, unknown>) => (order ? (order.ranks[copy[order.field] as string] ?? -1) : 0);
  const above = order ? Object.keys(order.ranks).filter((stage) => order.ranks[stage]! > rank(record.set)) : [];
  return {
    /** As the update's filter, checked on the document as it is written; it narrows the key's match (same index). */
    filter: {
      [versionField]: { $lte: version },
      ...(order && above.length > 0 && { $nor: [{ [versionField]: version, [order.field]: { $in: above } }] }),
    },
    /** As a test of the copy read before the write, to skip writes the filter would refuse. */
    admits(stored: StoredCopy): boolean {
      const newer = (stored[versionField] as Date).getTime() - version.getTime();
      return newer < 0 || (newer === 0 && rank(stored) <= rank(record.set));
    },
  };
}

/**
 * Writes records unless the stored copy is newer by `versionField`, or of the same version at a later stage by
 * `stages` (an equal version at an equal or earlier stage is overwritten): events arrive late, twice, or after a
 * backfill page, and none of those may roll data back. The update's filter carries the guard, so a newer copy
 * written between the read and the write is kept too. A record the stored copy already equals is not written at
 * all (an incremental sync re-sends a changed pull request's unchanged reviews). Fields the schema marks
 * `keepLatest` are not versioned: see `latestUpdate`.
 */
export function upsertUnlessNewer(
  model: AnyModel,
  records: VersionedRecord[],
  versionField = "updatedAt",
  stages?: StageOrder,
  /** Told of each stored record an update is sent for (created ones are returned): what may have changed. */
  onUpdate?: (record: VersionedRecord) => void,
): Promise<VersionedRecord[]> {
  const latestFields = markedFields(model, "keepLatest");
  const fillableFields = markedFields(model, "fillIfUnknown");
  return writeInChunks(model, records, {
    compared: (record) => [...Object.keys(record.set), ...(stages ? [stages.field] : [])],
    updates(record, stored) {
      const versioned = Object.fromEntries(Object.entries(record.set).filter(([path]) => !latestFields.has(path)));
      const guard = overwritable(record, versionField, stages);
      const updates: AnyBulkWriteOperation[] = [];
      const admitted = !stored || guard.admits(stored);
      if (admitted && (!stored || differsFrom(versioned, stored))) {
        updates.push({ updateOne: { filter: { ...record.key, ...guard.filter }, update: resequenced({ $set: versioned }) } });
      }
      if (!admitted) updates.push(...fillUpdate(record, fillableFields, stored));
      updates.push(...latestUpdate(record, latestFields, stored));
      if (updates.length > 0) onUpdate?.(record);
      return updates;
    },
  });
}

type FieldMark = "keepLatest" | "fillIfUnknown";
const markedByModel = new WeakMap<AnyModel, Map<FieldMark, Set<string>>>();

/** The paths of the model's schema marked `mark: true`. */
function markedFields(model: AnyModel, mark: FieldMark): Set<string> {
  let marks = markedByModel.get(model);
  if (!marks) markedByModel.set(model, (marks = new Map()));
  let paths = marks.get(mark);
  if (!paths) {
    paths = new Set<string>();
    for (const [path, type] of Object.entries(model.schema.paths)) if ((type.options as Record<FieldMark, boolean | undefined>)[mark]) paths.add(path);
    marks.set(mark, paths);
  }
  return paths;
}

/**
 * A field marked `fillIfUnknown` is one some views of the record lack (the short pull request of review events has
 * no line counts): a newer view stored first leaves it null. An older version that carries it fills it in, and
 * nothing else of that version is written; the filter keeps any value written meanwhile. Only fields that never
 * turn null again on GitHub are so marked, so a stored null always means "not known yet".
 */
function fillUpdate(record: VersionedRecord, fillableFields: Set<string>, stored?: StoredCopy): AnyBulkWriteOperation[] {
  const known = [...fillableFields].filter((path) => record.set[path] != null && stored && valueAt(stored, path) == null);
  if (known.length === 0) return [];
  const filter = { ...record.key, ...Object.fromEntries(known.map((path) => [path, null])) };
  return [{ updateOne: { filter, update: resequenced({ $set: Object.fromEntries(known.map((path) => [path, record.set[path]])) }) } }];
}

/**
 * A field marked `keepLatest` holds a time that only moves forward on GitHub (when a pull request last left draft:
 * a later event never takes it back), so every source's value is a lower bound of the truth and the latest one
 * seen is the best. It is written with `$max`, apart from the version guard: a page read before a newer version
 * was stored still brings a later time, a newer page or event never takes one back, whatever order they come in,
 * and null (not seen) writes nothing. The statement is sent only when it moves the time (its filter says so too).
 */
function latestUpdate(record: VersionedRecord, latestFields: Set<string>, stored?: StoredCopy): AnyBulkWriteOperation[] {
  const ahead = [...latestFields].flatMap((path) => {
    const value = record.set[path];
    if (!(value instanceof Date)) return [];
    const kept = stored && valueAt(stored, path);
    return kept instanceof Date && kept.getTime() >= value.getTime() ? [] : [[path, value] as const];
  });
  if (ahead.length === 0) return [];
  const filter = { ...record.key, $or: ahead.map(([path, value]) => ({ [path]: { $not: { $gte: value } } })) };
  const update = { ...resequenced({ $set: { [WRITE_TIME]: record.set[WRITE_TIME] ?? new Date() } }), $max: Object.fromEntries(ahead) };
  return [{ updateOne: { filter, update } }];
}

/** The time of the write itself, which alone is no change worth writing. */
const WRITE_TIME = "syncedAt";

/** Whether writing `fields` would change the stored copy (undefined values are not written, so change nothing). */
function differsFrom(fields: Record<string, unknown>, stored: StoredCopy): boolean {
  return Object.entries(fields).some(
    ([path, value]) => path !== WRITE_TIME && value !== undefined && canonical(value) !== canonical(valueAt(stored, path)),
  );
}

/** Sets the record's fields on the stored copy, unless they are there already (or the copy is unknown: then always). */
export function updateIfChanged(record: VersionedRecord, stored?: StoredCopy): AnyBulkWriteOperation[] {
  return !stored || differsFrom(record.set, stored) ? [{ updateOne: { filter: record.key, update: resequenced({ $set: record.set }) } }] : [];
}

function valueAt(document: StoredCopy, path: string): unknown {
  return path.split(".").reduce<unknown>((value, field) => (value as Record<string, unknown> | null | undefined)?.[field], document);
}

async function readStored(model: AnyModel, records: VersionedRecord[], compared: string[]): Promise<Map<string, StoredCopy>> {
  const keyFields = Object.keys(records[0]!.key);
  const projection = Object.fromEntries([...keyFields, ...compared].map((field) => [field, 1]));
  const stored = await model.find(matchingAnyKey(records.map((record) => record.key)), projection).lean<StoredCopy[]>();
  return new Map(stored.map((doc) => [keyOf(keyFields, doc), doc]));
}

/** One filter matching every key: `$in` on the one field that varies keeps it a single index lookup list. */
function matchingAnyKey(keys: Record<string, unknown>[]): Record<string, unknown> {
  const fields = Object.keys(keys[0]!);
  const varying = fields.filter((field) => new Set(keys.map((key) => key[field])).size > 1);
  if (varying.length > 1) return { $or: keys };
  const filter: Record<string, unknown> = { ...keys[0] };
  if (varying[0]) filter[varying[0]] = { $in: keys.map((key) => key[varying[0]!]) };
  return filter;
}

function keyOf(keyFields: string[], document: Record<string, unknown>): string {
  return canonical(keyFields.map((field) => document[field]));
}

/** A value as text with object keys sorted (dates become ISO strings): a stored copy of a value compares equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}

async function insertAll(model: AnyModel, documents: Record<string, unknown>[]): Promise<void> {
  if (documents.length > 0) await model.collection.insertMany(documents, { ordered: false });
}

/**
 * Sends statements through the driver, unordered: they are independent, and every one is applied whatever happens
 * to another. Mongoose's casting of bulk writes cost a tenth of a burst's processing CPU, and records arrive typed;
 * what it did that matters is done here, as for inserts (see newDocument): a path the schema does not have is not
 * written, nor is an undefined value (the driver would store it as null).
 */
async function bulkWrite(model: AnyModel, operations: AnyBulkWriteOperation[]): Promise<void> {
  const statements = operations.flatMap((operation) => withSchemaPathsOnly(model, operation));
  if (statements.length === 0) return;
  await model.collection.bulkWrite(statements as mongo.AnyBulkWriteOperation[], { ordered: false });
}

/** The statement without the values an update would not write (see bulkWrite); none if nothing is left. */
function withSchemaPathsOnly(model: AnyModel, operation: AnyBulkWriteOperation): AnyBulkWriteOperation[] {
  // Only `updateOne` is built in this module.
  if (!("updateOne" in operation)) throw new Error(`unexpected ${Object.keys(operation)[0]} statement for ${model.modelName}`);
  const update = Object.entries(operation.updateOne.update as Record<string, Record<string, unknown>>).flatMap(([operator, fields]) => {
    // `$unset` names fields to remove, stored ones included (an old field the schema dropped).
    const written = operator === "$unset" ? fields : Object.fromEntries(Object.entries(fields).filter(([path, value]) => value !== undefined && model.schema.pathType(path) !== "adhocOrUndefined"));
    return Object.keys(written).length > 0 ? [[operator, written] as const] : [];
  });
  return update.length > 0 ? [{ updateOne: { ...operation.updateOne, update: Object.fromEntries(update) } }] : [];
}

/**
 * A new record as stored: its fields, dotted paths made nested, with the schema's defaults. (A model instance would
 * do the same at several times the cost, which a burst of webhooks felt: the records are typed already.)
 */
function newDocument(model: AnyModel, record: VersionedRecord): Record<string, unknown> {
  const document: Record<string, unknown> = {};
  for (const [path, value] of Object.entries({ ...record.key, ...record.setOnInsert, ...record.set })) {
    // As a model instance would, in strict mode: a field the schema does not have is not stored.
    if (model.schema.pathType(path) === "adhocOrUndefined") continue;
    const fields = path.split(".");
    const leaf = fields.pop()!;
    let parent = document;
    for (const field of fields) parent = (parent[field] ??= {}) as Record<string, unknown>;
    parent[leaf] = value;
  }
  return model.applyDefaults(document) as Record<string, unknown>;
}

/**
 * Runs a batch of statements; returns the keys of the inserts that met a duplicate key and of the statements that
 * met a transient conflict (with the error that said so). Any other error is thrown.
 */
async function noteFailures(keyFields: string[], write: () => Promise<unknown>) {
  const failures = { duplicates: new Set<string>(), conflicts: new Set<string>(), error: undefined as unknown };
  try {
    await write();
  } catch (error) {
    const writeErrors = statementErrors(error);
    if (!writeErrors) throw error;
    for (const writeError of writeErrors) {
      // An insert fails with its document, an update with its statement ({ q: filter, u: update }).
      const statement = writeError.getOperation();
      const key = keyOf(keyFields, (statement.q as Record<string, unknown> | undefined) ?? statement);
      if (writeError.code === 11000) failures.duplicates.add(key);
      else if (isTransientConflict(writeError.code)) failures.conflicts.add(key);
      else throw error;
    }
    failures.error = error;
  }
  return failures;
}

/** A boolean that one kind of source clears (a force-push, a removal) and another sets (the record seen again). */
export interface ObservedFlag {
  field: string;
  /** When the source that last changed the flag looked (null: never changed). */
  changedAtField: string;
}

/**
 * The write that sets `flag` to `value` as a source saw it at `observedAt`, unless a source that looked later changed
 * it already: a page read before a change and written after it is stale and changes nothing. Ties go to clearing.
 */
export function observedFlagUpdate(flag: ObservedFlag, value: boolean, observedAt: Date, key: Record<string, unknown>) {
  return {
    filter: { ...key, [flag.field]: !value, [flag.changedAtField]: { $not: value ? { $gte: observedAt } : { $gt: observedAt } } },
    update: resequenced({ $set: { [flag.field]: value, [flag.changedAtField]: observedAt, syncedAt: new Date() } }),
  };
}
