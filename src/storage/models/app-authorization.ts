import { Schema, model, type InferSchemaType } from "mongoose";

/** A user who withdrew their authorization of the app (github_app_authorization.revoked): their user tokens are dead. */
const appAuthorizationSchema = new Schema({
  userId: { type: Number, required: true },
  login: { type: String, required: true },
  revokedAt: { type: Date, required: true },
  deliveryId: { type: String, default: null },
});
appAuthorizationSchema.index({ userId: 1 }, { unique: true });

export type AppAuthorization = InferSchemaType<typeof appAuthorizationSchema>;
export const AppAuthorizationModel = model("AppAuthorization", appAuthorizationSchema);
