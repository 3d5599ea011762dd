import { Schema, model, type InferSchemaType } from "mongoose";

/** A personal API token for the JSON API, acting as the person who created it. Only its hash is stored. */
const apiTokenSchema = new Schema({
  userId: { type: Number, required: true },
  login: { type: String, required: true },
  name: { type: String, required: true },
  tokenHash: { type: String, required: true },
  /** The first characters, so a person can tell their tokens apart. */
  prefix: { type: String, required: true },
  createdAt: { type: Date, required: true },
  /** Recorded to the minute (see `markApiTokenUsed`). */
  lastUsedAt: { type: Date, default: null },
  /** Refused from then on; null for a token that lasts until deleted. */
  expiresAt: { type: Date, default: null },
});
apiTokenSchema.index({ tokenHash: 1 }, { unique: true });
apiTokenSchema.index({ userId: 1 });

export type ApiToken = InferSchemaType<typeof apiTokenSchema>;
export const ApiTokenModel = model("ApiToken", apiTokenSchema);
