import { Schema, model, type InferSchemaType } from "mongoose";

/**
 * A delivery the app asked GitHub to redeliver, keyed by its guid (X-GitHub-Delivery), so one replica alone claims an
 * ask (the unique `_id` admits one insert). `attemptId` names the failed attempt last asked for: a delivery is asked
 * for again only once a newer attempt of it failed.
 */
const redeliverySchema = new Schema({
  /** The delivery's guid. */
  _id: { type: String, required: true },
  /** GitHub's id of the attempt last asked to be redelivered. */
  attemptId: { type: Number, required: true },
  asks: { type: Number, required: true },
  askedAt: { type: Date, required: true },
  /** GitHub's 4xx answer to the last ask (too old, unknown): never asked again. */
  refusedStatus: { type: Number, default: null },
});
redeliverySchema.index({ askedAt: 1 });

/** How far back the app's delivery list has been read: a single document. */
const redeliveryCheckpointSchema = new Schema({
  _id: { type: String, required: true },
  /** The newest `delivered_at` a complete pass read. */
  deliveredUntil: { type: Date, required: true },
});

export type Redelivery = InferSchemaType<typeof redeliverySchema>;
export const RedeliveryModel = model("Redelivery", redeliverySchema);
export const RedeliveryCheckpointModel = model("RedeliveryCheckpoint", redeliveryCheckpointSchema);
