import { DeliveryModel } from "./models/delivery.js";

export async function isDeliveryProcessed(deliveryId: string): Promise<boolean> {
  return (await DeliveryModel.exists({ deliveryId })) !== null;
}

export async function markDeliveryProcessed(delivery: {
  deliveryId: string;
  event: string;
  action: string | null;
  installationId: number | null;
}): Promise<void> {
  await DeliveryModel.updateOne(
    { deliveryId: delivery.deliveryId },
    { $setOnInsert: { ...delivery, processedAt: new Date() } },
    { upsert: true },
  );
}

export function listRecentDeliveries(installationId: number, limit = 50) {
  return DeliveryModel.find({ installationId }).sort({ processedAt: -1 }).limit(limit).lean();
}
