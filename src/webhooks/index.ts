import type { Probot } from "probot";
import { appAuthorizationHandlers } from "./app-authorization.js";
import { installationRepositoriesHandlers } from "./installation-repositories.js";
import { installationTargetHandlers } from "./installation-target.js";
import { installationHandlers } from "./installation.js";

/** Every webhook the app reacts to enters here. */
export function registerWebhookHandlers(app: Probot): void {
  installationHandlers(app);
  installationRepositoriesHandlers(app);
  installationTargetHandlers(app);
  appAuthorizationHandlers(app);
}
