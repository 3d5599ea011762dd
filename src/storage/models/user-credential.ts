import { Schema, model, type InferSchemaType } from "mongoose";

/**
 * The GitHub user token from a person's latest sign-in, encrypted with SESSION_SECRET. Sessions and API tokens
 * use it to ask GitHub which installations the person can access; it is dropped when they revoke the app.
 */
const userCredentialSchema = new Schema({
  userId: { type: Number, required: true },
  login: { type: String, required: true },
  accessToken: { type: String, required: true },
  /** Null when GitHub issued a non-expiring token (user-token expiration turned off for the app). */
  accessTokenExpiresAt: { type: Date, default: null },
  refreshToken: { type: String, default: null },
  refreshTokenExpiresAt: { type: Date, default: null },
  updatedAt: { type: Date, required: true },
});
userCredentialSchema.index({ userId: 1 }, { unique: true });

export type UserCredential = InferSchemaType<typeof userCredentialSchema>;
export const UserCredentialModel = model("UserCredential", userCredentialSchema);
