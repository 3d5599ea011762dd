import { Schema, model, type InferSchemaType } from "mongoose";

/** What a token may do: everything its owner may (tokens made before scopes existed have none: full), or read the data API only. */
export const API_TOKEN_SCOPES = ["full", "data:read"] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

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
  scope: { type: String, enum: API_TOKEN_SCOPES, default: "full" },
});
apiTokenSchema.index({ tokenHash: 1 }, { unique: true });
apiTokenSchema.index({ userId: 1 });

export type ApiToken = InferSchemaType<typeof apiTokenSchema>;
export const ApiTokenModel = model("ApiToken", apiTokenSchema);
