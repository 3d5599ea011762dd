import { Schema, model, type InferSchemaType } from "mongoose";

/** An organization member, to resolve identities in reports. */
const memberSchema = new Schema({
  installationId: { type: Number, required: true },
  userId: { type: Number, required: true },
  login: { type: String, required: true },
  /** "admin" | "member" when visible to the app; null when unknown. */
  role: { type: String, default: null },
  active: { type: Boolean, default: true },
  syncedAt: { type: Date, required: true },
});
memberSchema.index({ installationId: 1, userId: 1 }, { unique: true });

export type Member = InferSchemaType<typeof memberSchema>;
export const MemberModel = model("Member", memberSchema);
