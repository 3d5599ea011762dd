import { ignoringDuplicateKey } from "./mongo-errors.js";
import { DeliveryModel } from "./models/delivery.js";

/** GitHub lets an app redeliver deliveries of the past 3 days; the ledger keeps a week of them. */
export const DELIVERY_RETENTION_MS = 7 * 24 * 3_600_000;

export async function isDeliveryProcessed(deliveryId: string): Promise<boolean> {
  return (await DeliveryModel.exists({ _id: deliveryId })) !== null;
}

export async function markDeliveryProcessed(delivery: {
  deliveryId: string;
  event: string;
  action: string | null;
  installationId: number | null;
}): Promise<void> {
  const { deliveryId, ...fields } = delivery;
  // An insert, not an upsert: FerretDB settles it through the unique _id index without reading the ledger. A
  // duplicate is the same delivery handled twice at once (a redelivery racing the original): the first record stands.
  await ignoringDuplicateKey(DeliveryModel.create({ _id: deliveryId, ...fields, processedAt: new Date() }));
}

export function listRecentDeliveries(installationId: number, limit = 50) {
  return DeliveryModel.find({ installationId }).sort({ processedAt: -1 }).limit(limit).lean();
}

/** Forgets deliveries past the retention: keeps the ledger, read on every delivery, small. */
export async function pruneDeliveries(now = new Date()): Promise<number> {
  const { deletedCount } = await DeliveryModel.deleteMany({ processedAt: { $lt: new Date(now.getTime() - DELIVERY_RETENTION_MS) } });
  return deletedCount;
}
