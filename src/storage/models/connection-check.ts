import { Schema, model, type InferSchemaType } from "mongoose";

/** The latest "Test connection" result of an integration: troubleshooting reads what only a live check can know. */
const connectionCheckSchema = new Schema({
  installationId: { type: Number, required: true },
  checkedAt: { type: Date, required: true },
  ok: { type: Boolean, required: true },
  /** Why a token could not be minted (suspended, uninstalled, …); null when it could. */
  error: { type: String, default: null },
  accessibleRepositories: { type: Number, default: null },
  missingPermissions: { type: [String], default: [] },
  rateLimit: {
    type: new Schema({ limit: Number, remaining: Number, resetAt: Date }, { _id: false }),
    default: null,
  },
  /** Deliveries to the app that GitHub reports as failed, for this installation; null when unknown. */
  failedDeliveries: { type: Number, default: null },
});
connectionCheckSchema.index({ installationId: 1 }, { unique: true });

export type ConnectionCheck = InferSchemaType<typeof connectionCheckSchema>;
export const ConnectionCheckModel = model("ConnectionCheck", connectionCheckSchema);
