import type { Probot } from "probot";
import { registerWebhookHandlers } from "./webhooks/index.js";

/** The Probot application: what Tributary does with the events GitHub sends it. */
export function tributary(app: Probot): void {
  registerWebhookHandlers(app);
}
