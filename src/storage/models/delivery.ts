import { Schema, model, type InferSchemaType } from "mongoose";

/** Webhook deliveries handled to completion, so a redelivery (same X-GitHub-Delivery) changes nothing. */
const deliverySchema = new Schema({
  deliveryId: { type: String, required: true },
  event: { type: String, required: true },
  action: { type: String, default: null },
  installationId: { type: Number, default: null },
  processedAt: { type: Date, required: true },
});
deliverySchema.index({ deliveryId: 1 }, { unique: true });
deliverySchema.index({ installationId: 1, processedAt: -1 });

export type Delivery = InferSchemaType<typeof deliverySchema>;
export const DeliveryModel = model("Delivery", deliverySchema);
