import type { EmitterWebhookEventName } from "@octokit/webhooks";
import type { Context, Probot } from "probot";
import { isDeliveryProcessed, markDeliveryProcessed } from "../storage/deliveries.js";

/**
 * Subscribes a handler that runs once per X-GitHub-Delivery: a redelivery of a handled event is acknowledged
 * and skipped. A delivery is marked only after its handler succeeded, so a failure can be redelivered and retried.
 */
export function onEachDelivery<E extends EmitterWebhookEventName>(
  app: Probot,
  event: E | E[],
  handler: (context: Context<E>) => Promise<void>,
): void {
  app.on(event, async (context) => {
    if (await isDeliveryProcessed(context.id)) {
      context.log.debug({ deliveryId: context.id }, "delivery already handled, skipping");
      return;
    }
    await handler(context as Context<E>);
    const payload = context.payload as { action?: string; installation?: { id: number } };
    await markDeliveryProcessed({
      deliveryId: context.id,
      event: context.name,
      action: payload.action ?? null,
      installationId: payload.installation?.id ?? null,
    });
  });
}
