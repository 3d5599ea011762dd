import type { Context } from "probot";
import type { WebhookRegistry } from "./event-dispatcher.js";
import { recordAuthorizationRevoked } from "../storage/app-authorizations.js";

/** A user withdrew their authorization of the app: their sign-in tokens stop working; installations are unaffected. */
async function revoked(context: Context<"github_app_authorization.revoked">) {
  const { sender } = context.payload;
  await recordAuthorizationRevoked({ id: sender.id, login: sender.login }, new Date(), context.id);
  context.log.info({ userId: sender.id }, "user revoked the app's authorization");
}

export function appAuthorizationHandlers(app: WebhookRegistry): void {
  app.on("github_app_authorization.revoked", revoked);
}
