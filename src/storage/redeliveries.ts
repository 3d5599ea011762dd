import { insertUnlessTaken, updateOrInsert } from "./atomic-updates.js";
import { RedeliveryCheckpointModel, RedeliveryModel, type Redelivery } from "./models/redelivery.js";

/** GitHub.com lists an app's deliveries, and redelivers them, for 3 days. */
export const REDELIVERY_WINDOW_MS = 3 * 24 * 3_600_000;

/** Asks for one delivery at most: one that failed that often fails for a reason asking again will not fix. */
export const MAX_REDELIVERY_ASKS = 3;

/** Asks are kept a day past the window: the attempt a last ask caused is listed for 3 days after it was made. */
const ASK_RETENTION_MS = REDELIVERY_WINDOW_MS + 24 * 3_600_000;

const CHECKPOINT_ID = "app-hook-deliveries";

export type RedeliveryAsk = Pick<Redelivery, "attemptId" | "asks" | "askedAt" | "refusedStatus">;

/** The newest `delivered_at` a complete pass read; null before the first. */
export async function redeliveryCheckpoint(): Promise<Date | null> {
  const checkpoint = await RedeliveryCheckpointModel.findById(CHECKPOINT_ID).lean();
  return checkpoint?.deliveredUntil ?? null;
}

/** Moves the checkpoint forward to `deliveredUntil`; never back (a pass that read less and finished later). */
export async function advanceRedeliveryCheckpoint(deliveredUntil: Date): Promise<void> {
  await updateOrInsert(
    () => RedeliveryCheckpointModel.updateOne({ _id: CHECKPOINT_ID }, { $max: { deliveredUntil } }),
    () => RedeliveryCheckpointModel.create({ _id: CHECKPOINT_ID, deliveredUntil }),
  );
}

/** The stored asks of these guids. */
export async function findRedeliveryAsks(guids: string[]): Promise<Map<string, RedeliveryAsk>> {
  if (guids.length === 0) return new Map();
  const asks = await RedeliveryModel.find({ _id: { $in: guids } }).lean();
  return new Map(asks.map(({ _id, ...ask }) => [_id, ask]));
}

/**
 * Claims the right to ask GitHub to redeliver attempt `attemptId` of `guid`, `previous` being its stored ask: the
 * first ask is an insert, a repeat a guarded update that takes only a newer attempt, below the limit, of a delivery
 * GitHub did not refuse. Of replicas claiming together one gets it; false for the others.
 */
export async function claimRedeliveryAsk(guid: string, attemptId: number, previous: RedeliveryAsk | null, now: Date): Promise<boolean> {
  if (!previous) return insertUnlessTaken(() => RedeliveryModel.create({ _id: guid, attemptId, asks: 1, askedAt: now }));
  const { modifiedCount } = await RedeliveryModel.updateOne(
    { _id: guid, attemptId: { $lt: attemptId }, asks: { $lt: MAX_REDELIVERY_ASKS }, refusedStatus: null },
    { $set: { attemptId, askedAt: now }, $inc: { asks: 1 } },
  );
  return modifiedCount === 1;
}

/** Gives back a claim GitHub could not be asked for (it was down): the next pass claims it again. */
export async function releaseRedeliveryAsk(guid: string, attemptId: number, previous: RedeliveryAsk | null): Promise<void> {
  if (!previous) {
    await RedeliveryModel.deleteOne({ _id: guid, attemptId, asks: 1 });
    return;
  }
  await RedeliveryModel.updateOne({ _id: guid, attemptId }, { $set: { attemptId: previous.attemptId, askedAt: previous.askedAt }, $inc: { asks: -1 } });
}

/** Records GitHub's refusal to redeliver the attempt just claimed: the delivery is not asked for again. */
export async function recordRedeliveryRefused(guid: string, attemptId: number, status: number): Promise<void> {
  await RedeliveryModel.updateOne({ _id: guid, attemptId }, { $set: { refusedStatus: status } });
}

/** Forgets asks no delivery in GitHub's window can still need. */
export async function pruneRedeliveryAsks(now = new Date()): Promise<number> {
  const { deletedCount } = await RedeliveryModel.deleteMany({ askedAt: { $lt: new Date(now.getTime() - ASK_RETENTION_MS) } });
  return deletedCount;
}
