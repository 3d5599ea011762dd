import type { WebhookRegistry } from "./webhooks/event-dispatcher.js";
import { registerWebhookHandlers } from "./webhooks/index.js";

/** The Probot application: what Tributary does with the events GitHub sends it (loaded by Probot, or on the inbox's dispatcher). */
export function tributary(app: WebhookRegistry): void {
  registerWebhookHandlers(app);
}
