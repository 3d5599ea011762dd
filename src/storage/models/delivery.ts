import { Schema, model, type InferSchemaType } from "mongoose";

/**
 * received → processing → processed, or → retrying → processing … → dead after the last attempt (or at once for a
 * payload that fails validation). A lapsed `processing` (its process died) is due again like `received`.
 */
export const DELIVERY_STATES = ["received", "processing", "retrying", "processed", "dead"] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/**
 * The webhook inbox, keyed by the delivery id itself (X-GitHub-Delivery, the same on every redelivery): a delivery
 * is stored here, once, before GitHub is answered, and processed from here in the background. Processed and dead
 * entries form the delivery ledger the Activity page shows.
 */
const deliverySchema = new Schema({
  /** X-GitHub-Delivery. */
  _id: { type: String, required: true },
  event: { type: String, required: true },
  action: { type: String, default: null },
  installationId: { type: Number, default: null },
  repositoryId: { type: Number, default: null },
  /** The body as GitHub signed it; dropped once processed (a week of bodies would dwarf the data they carried). */
  body: { type: String, default: null },
  /** Bodies over a megabyte are stored deflated instead: GitHub allows 25 MB, a document holds 16. */
  bodyDeflated: { type: Buffer, default: null },
  receivedAt: { type: Date, required: true },
  /**
   * Installation lifecycle events of one installation share a lane and are processed one at a time in received order
   * (an installation deleted then created again must not end up deleted); null for everything else.
   */
  lane: { type: String, default: null },
  state: { type: String, enum: DELIVERY_STATES, required: true },
  /**
   * When the entry is next due: at once when received, the end of its claim while processing (a claim that lapses
   * is due again), the backoff's end while retrying; none once finished. One field, so the {lane, dueAt} index answers
   * every claim, laned or not.
   */
  dueAt: { type: Date, default: null },
  attempts: { type: Number, default: 0 },
  claimedBy: { type: String, default: null },
  lastError: { type: String, default: null },
  /** When it was processed, or given up on. */
  finishedAt: { type: Date, default: null },
});
// Two indexes only, each paid on every write of every delivery (twice per delivery, at least): DocumentDB indexes the
// whole document, so even the update that marks a delivery processed writes an entry in each. Pruning (once per
// periodic sync) reads the inbox through neither: see pruneDeliveries.
deliverySchema.index({ lane: 1, dueAt: 1 });
deliverySchema.index({ installationId: 1, receivedAt: -1 });

export type Delivery = InferSchemaType<typeof deliverySchema>;
export const DeliveryModel = model("Delivery", deliverySchema);
