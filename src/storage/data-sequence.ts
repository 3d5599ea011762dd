import { randomUUID } from "node:crypto";
import { insertUnlessTaken } from "./atomic-updates.js";
import { DATA_MODELS, type DataKind } from "./data-kinds.js";
import { DataSequenceModel } from "./models/data-sequence.js";
import { isTransientConflict, statementErrors } from "./mongo-errors.js";

/*
 * The data API pages through each installation's records of a kind in the order their changes became visible, by a
 * position (`sequence`) per record, and never sorts: a page is the records whose positions lie in one range no wider
 * than the page, one indexed range query ({installationId, sequence}) of at most `limit` documents, however many are
 * stored (DocumentDB sorts in memory whatever a sorted query matches, so paging by `syncedAt` would sort every record
 * after the cursor, and one write gives a whole chunk the same `syncedAt`).
 *
 * A write takes the changed record's position away (sequence-reset.ts); a sequencer then hands out fresh positions,
 * above every one handed out before, to the records without one, and only once they are written moves `settled` past
 * them. Readers read up to `settled` only. So no reader passes a position whose write it cannot see yet (the skip a
 * write time taken before its commit allows), and a record changed while a client pages leaves the positions before
 * its cursor and comes once more, after it, as its new version; a version keeps its position, so no version comes
 * twice. One sequencer at a time per installation and kind (a lease); it reserves positions before it writes them,
 * so one that takes over from a lapsed lease never hands out the same ones. Nothing needs a transaction or a change
 * stream: each step is one single-document write. The cost: a second write per change, made when the data API is
 * read (ingestion pays nothing), and positions left empty by records that changed again (pages may be short).
 */

/** Records given positions per round trip. */
const BATCH = 1000;
/** Longer than a batch takes by far: a sequencer stalled past it is presumed dead and another takes over. */
const LEASE_MS = 60_000;
/** Hours with new positions remembered for `updated_since` (earlier times start from the beginning). */
const HOUR_MARKS_KEPT = 2400;
const HOUR_MS = 60 * 60 * 1000;

const sequenceId = (installationId: number, kind: DataKind) => `${installationId}:${kind}`;

/** Where an installation's sequence of a kind stands: every position up to `settled` is handed out and written. */
export async function settledPosition(installationId: number, kind: DataKind): Promise<number> {
  return (await DataSequenceModel.findById(sequenceId(installationId, kind), { settled: 1 }).lean())?.settled ?? 0;
}

/**
 * The position from which a listing of changes since `since` starts: every record changed since then is after it. The
 * first position handed out in the hour of `since` (or the latest hour before it with any); 0 when no such hour is
 * remembered. Records changed earlier may come too: those sequenced since (positions are handed out when the data API
 * is read), and those of that hour.
 */
export async function positionBefore(installationId: number, kind: DataKind, since: Date): Promise<number> {
  const sequence = await DataSequenceModel.findById(sequenceId(installationId, kind), { hourMarks: 1 }).lean();
  const mark = sequence?.hourMarks.findLast((candidate) => candidate.hour <= since);
  return mark ? mark.first - 1 : 0;
}

/**
 * Hands out positions to up to about `atMost` records of the kind that await one, unless another sequencer is at it.
 * Returns whether records still await positions.
 */
export async function sequenceChanges(installationId: number, kind: DataKind, atMost: number): Promise<boolean> {
  const model = DATA_MODELS[kind];
  const awaiting = () => model.find({ installationId, sequence: null }, { _id: 1 }).limit(BATCH).lean<{ _id: unknown }[]>();
  let pending = await awaiting();
  if (pending.length === 0) return false;
  const _id = sequenceId(installationId, kind);
  const me = randomUUID();
  if (!(await claimLease(_id, me))) return true;
  try {
    for (let done = 0; pending.length > 0; pending = await awaiting()) {
      if (done >= atMost) return true;
      // Reserved before they are written: whoever holds the lease next hands out later positions.
      const reserved = await DataSequenceModel.findOneAndUpdate({ _id, lockedBy: me }, { $inc: { next: pending.length }, $set: { lockedUntil: leaseEnd() } }, { projection: { next: 1 } }).lean();
      if (!reserved) return true;
      const first = reserved.next;
      const last = first + pending.length - 1;
      await model
        .bulkWrite(
          pending.map((record, index) => ({ updateOne: { filter: { _id: record._id, sequence: null }, update: { $set: { sequence: first + index } } } })),
          { ordered: false },
        )
        .catch(keepConflictedPending);
      if (!(await settle(_id, me, first, last))) {
        await withdrawPositions(model, pending, first, last);
        return true;
      }
      done += pending.length;
    }
    return false;
  } finally {
    await DataSequenceModel.updateOne({ _id, lockedBy: me }, { $set: { lockedUntil: null, lockedBy: null } });
  }
}

/**
 * A statement that deadlocked with a writer of its record was not applied: the record keeps awaiting a position (the
 * next batch gives it one) and its reserved position stays empty. Any other failure is thrown.
 */
function keepConflictedPending(error: unknown): void {
  if (!statementErrors(error)?.every((statement) => isTransientConflict(statement.code))) throw error;
}

/**
 * Takes back the positions a sequencer that lost its lease wrote: a record changed after the new holder gave it a
 * position awaited one again, and got one of these, below what readers may have passed already. Such a record
 * awaits a position again, and gets one above every reader's cursor; a reader that read it at the withdrawn position
 * meanwhile gets this version once more, which is better than never.
 */
async function withdrawPositions(model: (typeof DATA_MODELS)[DataKind], records: { _id: unknown }[], first: number, last: number): Promise<void> {
  await model.updateMany({ _id: { $in: records.map((record) => record._id) }, sequence: { $gte: first, $lte: last } }, { $unset: { sequence: "" } });
}

const leaseEnd = () => new Date(Date.now() + LEASE_MS);

/** Takes the lease of the sequence (creating the sequence first if need be); false when another holds it. */
async function claimLease(_id: string, me: string): Promise<boolean> {
  const claim = () =>
    DataSequenceModel.updateOne({ _id, $or: [{ lockedUntil: null }, { lockedUntil: { $lte: new Date() } }] }, { $set: { lockedUntil: leaseEnd(), lockedBy: me } });
  if ((await claim()).matchedCount === 1) return true;
  if (await DataSequenceModel.exists({ _id })) return false;
  return insertUnlessTaken(() => DataSequenceModel.create({ _id, next: 1, settled: 0, lockedUntil: leaseEnd(), lockedBy: me }));
}

/**
 * Readers may read up to `last` now; the hour's first positions are remembered for `updated_since`. False when this
 * sequencer no longer holds the lease: it stalled past it, and another took over and may have settled past these
 * positions already.
 */
async function settle(_id: string, me: string, first: number, last: number): Promise<boolean> {
  const { matchedCount } = await DataSequenceModel.updateOne({ _id, lockedBy: me }, { $max: { settled: last } });
  if (matchedCount === 0) return false;
  const hour = new Date(Math.floor(Date.now() / HOUR_MS) * HOUR_MS);
  await DataSequenceModel.updateOne(
    { _id, lockedBy: me, "hourMarks.hour": { $ne: hour } },
    { $push: { hourMarks: { $each: [{ hour, first }], $slice: -HOUR_MARKS_KEPT } } },
  );
  return true;
}
