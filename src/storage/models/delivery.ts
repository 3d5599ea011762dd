import { Schema, model, type InferSchemaType } from "mongoose";

/**
 * Webhook deliveries handled to completion, so a redelivery (same X-GitHub-Delivery) changes nothing. Keyed by the
 * delivery id itself: FerretDB v1 answers a lookup on `_id` alone in SQLite, any other filter by decoding every
 * document in Go.
 */
const deliverySchema = new Schema({
  /** X-GitHub-Delivery. */
  _id: { type: String, required: true },
  event: { type: String, required: true },
  action: { type: String, default: null },
  installationId: { type: Number, default: null },
  processedAt: { type: Date, required: true },
});
deliverySchema.index({ installationId: 1, processedAt: -1 });
deliverySchema.index({ processedAt: 1 });

export type Delivery = InferSchemaType<typeof deliverySchema>;
export const DeliveryModel = model("Delivery", deliverySchema);
