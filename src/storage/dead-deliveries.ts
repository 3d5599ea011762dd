import { DeliveryModel } from "./models/delivery.js";

/** The most dead entries the Activity page lists; a week of them is rarely more (the count is shown beside). */
export const LISTED_DEAD_DELIVERIES = 100;

/**
 * The installation's dead entries, newest first, without bodies: the Activity page lists them beside the latest
 * deliveries, so one received before those is still there for an owner to retry.
 */
export function listDeadDeliveries(installationId: number, limit = LISTED_DEAD_DELIVERIES) {
  return DeliveryModel.find({ installationId, state: "dead" }, { body: 0, bodyDeflated: 0 }).sort({ receivedAt: -1 }).limit(limit).lean();
}

/** The installation's dead entry of this id, without its body; null when it has none (or it is not dead). */
export function findDeadDelivery(installationId: number, deliveryId: string) {
  return DeliveryModel.findOne({ _id: deliveryId, installationId, state: "dead" }, { event: 1, action: 1, repositoryId: 1 }).lean();
}
