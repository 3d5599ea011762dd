import { insertUnlessTaken } from "./atomic-updates.js";
import { PeriodicPassModel } from "./models/periodic-pass.js";

/** `lockedUntil` of a pass nobody holds: long lapsed. */
const NOBODY = new Date(0);

/**
 * Stores a pass the first time any replica schedules it, due at `firstRunAt`; a pass already stored keeps its times.
 * A plain insert: its unique `_id` admits one writer when replicas start together.
 */
export async function registerPeriodicPass(name: string, firstRunAt: Date): Promise<void> {
  await insertUnlessTaken(() => PeriodicPassModel.create({ _id: name, nextRunAt: firstRunAt, lockedUntil: NOBODY, holder: null, lastStartedAt: NOBODY }));
}

/**
 * Makes a pass due at `now` unless a run started after `since` (a replica asking for a run as it starts: a run
 * another replica started since covers it) or it is due already.
 */
export async function bringPeriodicPassForward(name: string, since: Date, now = new Date()): Promise<void> {
  await PeriodicPassModel.updateOne({ _id: name, nextRunAt: { $gt: now }, lastStartedAt: { $lt: since } }, { $set: { nextRunAt: now } });
}

/**
 * Takes a due pass that nobody holds (or whose holder's lease lapsed: it died) for `leaseMs`: one atomic update of
 * the pass's document, so of replicas claiming at once exactly one gets it. True when this holder got it.
 */
export async function claimPeriodicPass(name: string, holder: string, leaseMs: number, now = new Date()): Promise<boolean> {
  const { matchedCount } = await PeriodicPassModel.updateOne(
    { _id: name, nextRunAt: { $lte: now }, lockedUntil: { $lte: now } },
    { $set: { holder, lockedUntil: new Date(now.getTime() + leaseMs), lastStartedAt: now } },
  );
  return matchedCount === 1;
}

/** Extends the holder's lease while its run goes on; false when another replica took the pass over (its lease lapsed). */
export async function renewPeriodicPass(name: string, holder: string, leaseMs: number): Promise<boolean> {
  const { matchedCount } = await PeriodicPassModel.updateOne({ _id: name, holder }, { $set: { lockedUntil: new Date(Date.now() + leaseMs) } });
  return matchedCount === 1;
}

/** Ends the holder's run: the pass is due again at `nextRunAt`, for any replica. */
export async function finishPeriodicPass(name: string, holder: string, nextRunAt: Date): Promise<void> {
  await PeriodicPassModel.updateOne({ _id: name, holder }, { $set: { holder: null, lockedUntil: NOBODY, nextRunAt, lastEndedAt: new Date() } });
}

/** Gives up the holder's run unfinished (the replica is stopping): still due, another replica takes it at once. */
export async function releasePeriodicPass(name: string, holder: string): Promise<void> {
  await PeriodicPassModel.updateOne({ _id: name, holder }, { $set: { holder: null, lockedUntil: NOBODY } });
}
