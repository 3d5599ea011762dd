import { RESERVE, type BudgetWindow, type RateBudgetStore, type SpendResult } from "../github/rate-budget-store.js";
import { insertUnlessTaken, updateOrInsert } from "./atomic-updates.js";
import { RateCostModel, RateWindowModel, type RateWindowDocument } from "./models/rate-budget.js";

const windowOf = (document: RateWindowDocument): BudgetWindow => ({ limit: document.limit, remaining: document.remaining, resetAt: document.resetAt });
const fieldsOf = (window: BudgetWindow) => ({ ...window, spendable: window.remaining - window.limit * RESERVE });

/** Attempts of a spend that lost to concurrent writes (the window it read changed before it could spend). */
const SPEND_ATTEMPTS = 5;

/**
 * The rate budget in the database, shared by every replica on it (when no REDIS_URL is set): one document per window,
 * each change one single-document update (a spend is a conditional `$inc`), documents created by a plain insert
 * (DocumentDB's upserts are not atomic when they insert).
 */
export class DatabaseRateBudgetStore implements RateBudgetStore {
  async record(key: string, window: BudgetWindow, now: Date): Promise<void> {
    const fields = fieldsOf(window);
    // Replaced unless it is the same window (not reset yet, same limit) with less remaining.
    const replaceable = { _id: key, $or: [{ resetAt: { $lte: now } }, { limit: { $ne: window.limit } }, { remaining: { $gte: window.remaining } }] };
    const { matchedCount } = await RateWindowModel.updateOne(replaceable, { $set: fields });
    if (matchedCount === 1) return;
    if (await insertUnlessTaken(() => RateWindowModel.create({ _id: key, ...fields }))) return;
    // Taken by a concurrent insert: kept only if it is the lower one.
    await RateWindowModel.updateOne(replaceable, { $set: fields });
  }

  async spend(key: string, cost: number, now: Date): Promise<SpendResult> {
    for (let attempt = 1; ; attempt += 1) {
      const spent = await RateWindowModel.findOneAndUpdate(
        { _id: key, resetAt: { $gt: now }, spendable: { $gte: cost } },
        { $inc: { remaining: -cost, spendable: -cost } },
        { new: true, lean: true },
      );
      if (spent) return { outcome: "spent", window: windowOf(spent) };
      const known = await RateWindowModel.findById(key).lean();
      if (!known) return { outcome: "unknown" };
      if (known.resetAt <= now) return { outcome: "reset", window: windowOf(known) };
      // Recorded anew between the two reads with room to spend: try again.
      if (known.spendable < cost || attempt === SPEND_ATTEMPTS) return { outcome: "low", window: windowOf(known) };
    }
  }

  async exhaust(key: string): Promise<BudgetWindow | undefined> {
    const window = await RateWindowModel.findOneAndUpdate({ _id: key }, [{ $set: { remaining: 0, spendable: { $subtract: [0, { $multiply: ["$limit", RESERVE] }] } } }], {
      new: true,
      lean: true,
    });
    return window ? windowOf(window) : undefined;
  }

  async forget(key: string, resetAt: Date): Promise<void> {
    await RateWindowModel.deleteOne({ _id: key, resetAt });
  }

  async recordCost(operation: string, cost: number): Promise<void> {
    await updateOrInsert(
      () => RateCostModel.updateOne({ _id: operation }, { $set: { cost } }),
      () => RateCostModel.create({ _id: operation, cost }),
    );
  }

  async costs(operation: string | undefined): Promise<{ last?: number; dearest?: number }> {
    const [last, dearest] = await Promise.all([
      operation === undefined ? null : RateCostModel.findById(operation).lean(),
      RateCostModel.findOne().sort({ cost: -1 }).lean(),
    ]);
    return { last: last?.cost, dearest: dearest?.cost };
  }
}
