import { Schema, model, type InferSchemaType } from "mongoose";

export const DELIVERY_STATES = ["processing", "processed"] as const;

/**
 * The ledger of webhook deliveries, keyed by the delivery id itself (X-GitHub-Delivery): a delivery is claimed
 * before its handler runs, so a redelivery racing it does nothing, and marked processed once the handler succeeded,
 * so a later redelivery changes nothing either.
 */
const deliverySchema = new Schema({
  /** X-GitHub-Delivery. */
  _id: { type: String, required: true },
  event: { type: String, required: true },
  action: { type: String, default: null },
  installationId: { type: Number, default: null },
  state: { type: String, enum: DELIVERY_STATES, required: true },
  /** The process handling it, until when: a claim whose process died lapses, and a redelivery takes it over. */
  claimedBy: { type: String, default: null },
  claimedUntil: { type: Date, default: null },
  processedAt: { type: Date, default: null },
});
deliverySchema.index({ installationId: 1, processedAt: -1 });
deliverySchema.index({ processedAt: 1 });
deliverySchema.index({ claimedUntil: 1 });

export type Delivery = InferSchemaType<typeof deliverySchema>;
export const DeliveryModel = model("Delivery", deliverySchema);
