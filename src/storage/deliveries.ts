import { randomUUID } from "node:crypto";
import { insertUnlessTaken, updateOrInsert } from "./atomic-updates.js";
import { DeliveryModel } from "./models/delivery.js";

/** GitHub lets an app redeliver deliveries of the past 3 days; the ledger keeps a week of them. */
export const DELIVERY_RETENTION_MS = 7 * 24 * 3_600_000;

/** Longer than any handler runs: a claim still held after this belongs to a process that died. */
export const DELIVERY_CLAIM_MS = 5 * 60_000;

export interface DeliveryDetails {
  deliveryId: string;
  event: string;
  action: string | null;
  installationId: number | null;
}

export interface DeliveryClaim {
  deliveryId: string;
  claimedBy: string;
}

/** A claim of this delivery that nobody holds any more (given up, or its process died). */
export function lapsedClaim(deliveryId: string, now: Date) {
  return { _id: deliveryId, state: "processing", claimedUntil: { $lte: now } };
}

/**
 * Claims a delivery before its handler runs; null when it was handled already or is being handled right now (a
 * redelivery racing the original). The first claim is an insert, which the unique `_id` admits once; a claim that
 * lapsed or was given up is taken over by one conditional update, which one racer wins.
 */
export async function claimDelivery(delivery: DeliveryDetails, now = new Date()): Promise<DeliveryClaim | null> {
  const { deliveryId, ...details } = delivery;
  const claim = { state: "processing", claimedBy: randomUUID(), claimedUntil: new Date(now.getTime() + DELIVERY_CLAIM_MS) };
  const claimed =
    (await insertUnlessTaken(() => DeliveryModel.create({ _id: deliveryId, ...details, ...claim }))) ||
    (await DeliveryModel.updateOne(lapsedClaim(deliveryId, now), { $set: claim })).matchedCount === 1;
  return claimed ? { deliveryId, claimedBy: claim.claimedBy } : null;
}

/** Gives a claim up (its handler failed), so a later redelivery runs the handler again. */
export async function releaseDelivery({ deliveryId, claimedBy }: DeliveryClaim): Promise<void> {
  // Lapsed at once rather than erased, so pruning still finds it if no redelivery ever comes.
  await DeliveryModel.updateOne({ _id: deliveryId, claimedBy, state: "processing" }, { $set: { claimedUntil: new Date() } });
}

/** Records that a delivery's handler succeeded: from now on every redelivery of it is skipped. */
export async function markDeliveryProcessed(delivery: DeliveryDetails): Promise<void> {
  const { deliveryId, ...details } = delivery;
  const processed = { ...details, state: "processed", processedAt: new Date(), claimedUntil: null };
  await updateOrInsert(
    () => DeliveryModel.updateOne({ _id: deliveryId }, { $set: processed }),
    () => DeliveryModel.create({ _id: deliveryId, ...processed }),
  );
}

/** The installation's deliveries handled since `since`, newest first. */
export function deliveriesSince(installationId: number, since: Date, limit: number) {
  return DeliveryModel.find({ installationId, state: "processed", processedAt: { $gte: since } }).sort({ processedAt: -1 }).limit(limit).lean();
}

/**
 * How far back the Activity page looks, in turn: DocumentDB sorts every delivery a query matches (it never reads an
 * index in order), so a busy installation's whole week is read only when its last hour and day hold too few.
 */
const RECENT_WINDOWS_MS = [3_600_000, 24 * 3_600_000, DELIVERY_RETENTION_MS];

/** The installation's latest handled deliveries, for the Activity page. */
export async function listRecentDeliveries(installationId: number, limit = 50, now = new Date()) {
  for (const windowMs of RECENT_WINDOWS_MS.slice(0, -1)) {
    const recent = await deliveriesSince(installationId, new Date(now.getTime() - windowMs), limit);
    if (recent.length === limit) return recent;
  }
  return deliveriesSince(installationId, new Date(now.getTime() - DELIVERY_RETENTION_MS), limit);
}

/** Forgets deliveries handled, or last claimed, before the retention: keeps the ledger small. */
export async function pruneDeliveries(now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - DELIVERY_RETENTION_MS);
  const { deletedCount } = await DeliveryModel.deleteMany({ $or: [{ processedAt: { $lt: before } }, { claimedUntil: { $lt: before } }] });
  return deletedCount;
}
