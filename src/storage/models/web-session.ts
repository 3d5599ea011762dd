import { Schema, model, type InferSchemaType } from "mongoose";

/** A browser signed in to the web UI. The cookie carries the id; only its hash is stored. */
const webSessionSchema = new Schema({
  idHash: { type: String, required: true },
  userId: { type: Number, required: true },
  login: { type: String, required: true },
  avatarUrl: { type: String, default: null },
  /** Sent back with every state-changing request (form field or X-CSRF-Token header). */
  csrfToken: { type: String, required: true },
  createdAt: { type: Date, required: true },
  expiresAt: { type: Date, required: true },
});
webSessionSchema.index({ idHash: 1 }, { unique: true });
webSessionSchema.index({ userId: 1 });

export type WebSession = InferSchemaType<typeof webSessionSchema>;
export const WebSessionModel = model("WebSession", webSessionSchema);
