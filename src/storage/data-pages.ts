import { DATA_MODELS, type DataKind } from "./data-kinds.js";
import { sequenceChanges, settledPosition } from "./data-sequence.js";

/**
 * Positions handed out per page read, at most: after a large import the first reads sequence it bit by bit, each
 * answering at once with what is settled (and `hasMore`).
 */
const SEQUENCED_PER_READ = 5000;
/** Records per driver batch of an export. */
const EXPORT_BATCH = 1000;

type StoredRecord = Record<string, unknown> & { sequence?: number | null };

export interface DataPage {
  records: Record<string, unknown>[];
  /** The position the next page starts after. */
  after: number;
  /** Whether more records are there, or about to be: records still awaiting positions count. */
  hasMore: boolean;
}

/** What a record shows: its fields as stored, without the database's id and version or its position. */
function shown({ _id, __v, sequence, ...fields }: StoredRecord): Record<string, unknown> {
  return fields;
}

/**
 * The installation's records of `kind` at positions after `after`, `limit` positions at most (see data-sequence.ts):
 * one indexed range query, its at most `limit` records put in order here. A page may hold fewer than `limit` records,
 * even none, where records changed again since and moved on.
 */
export async function readDataPage(installationId: number, kind: DataKind, after: number, limit: number): Promise<DataPage> {
  const awaiting = await sequenceChanges(installationId, kind, SEQUENCED_PER_READ);
  const settled = await settledPosition(installationId, kind);
  const upTo = Math.max(after, Math.min(after + limit, settled));
  const stored = upTo > after ? await DATA_MODELS[kind].find({ installationId, sequence: { $gt: after, $lte: upTo } }).lean<StoredRecord[]>() : [];
  stored.sort((a, b) => a.sequence! - b.sequence!);
  return { records: stored.map(shown), after: upTo, hasMore: upTo < settled || awaiting };
}

/**
 * Every record of the installation of `kind`, a batch at a time, through one cursor: memory stays flat whatever the
 * size. Unordered, as the database reads them.
 */
export async function* storedRecords(installationId: number, kind: DataKind): AsyncGenerator<Record<string, unknown>[]> {
  let batch: Record<string, unknown>[] = [];
  for await (const record of DATA_MODELS[kind].collection.find({ installationId }, { batchSize: EXPORT_BATCH })) {
    batch.push(shown(record));
    if (batch.length === EXPORT_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
