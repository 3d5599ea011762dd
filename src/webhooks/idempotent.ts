import type { EmitterWebhookEventName } from "@octokit/webhooks";
import type { Context, Probot } from "probot";
import { claimDelivery, markDeliveryProcessed, releaseDelivery } from "../storage/deliveries.js";

/**
 * Subscribes a handler that runs once per X-GitHub-Delivery: the delivery is claimed first, so a redelivery of a
 * handled event, or one racing the original, is acknowledged and skipped. A failed handler gives its claim up, so a
 * later redelivery retries it.
 */
export function onEachDelivery<E extends EmitterWebhookEventName>(
  app: Probot,
  event: E | E[],
  handler: (context: Context<E>) => Promise<void>,
): void {
  app.on(event, async (context) => {
    const payload = context.payload as { action?: string; installation?: { id: number } };
    const delivery = { deliveryId: context.id, event: context.name, action: payload.action ?? null, installationId: payload.installation?.id ?? null };
    const claim = await claimDelivery(delivery);
    if (!claim) {
      context.log.debug({ deliveryId: context.id }, "delivery handled or being handled, skipping");
      return;
    }
    try {
      await handler(context as Context<E>);
    } catch (error) {
      await releaseDelivery(claim);
      throw error;
    }
    await markDeliveryProcessed(delivery);
  });
}
