import { Schema, model, type InferSchemaType } from "mongoose";
import { sequenceField } from "./data-sequence.js";

/** An organization member, to resolve identities in reports. */
const memberSchema = new Schema({
  installationId: { type: Number, required: true },
  userId: { type: Number, required: true },
  login: { type: String, required: true },
  /** "admin" | "member" when visible to the app; null when unknown. */
  role: { type: String, default: null },
  active: { type: Boolean, default: true },
  /**
   * When the source that last changed `active` observed the membership (null: never changed). A source that looked
   * earlier is stale about it and does not change it back.
   */
  membershipChangedAt: { type: Date, default: null },
  syncedAt: { type: Date, required: true },
  ...sequenceField,
});
memberSchema.index({ installationId: 1, userId: 1 }, { unique: true });
// The data API's pages: one range of positions within the installation (see src/storage/data-sequence.ts).
memberSchema.index({ installationId: 1, sequence: 1 });

export type Member = InferSchemaType<typeof memberSchema>;
export const MemberModel = model("Member", memberSchema);
