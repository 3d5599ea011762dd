import { createHmac, randomUUID } from "node:crypto";
import type { ServerContext } from "../context.js";
import { post } from "../http/post.js";
import type { WebhookEvent as WebhookPayload, WebhookEventName } from "@octokit/webhooks-types";
import type { Delivery } from "./deliveries.js";

export interface WebhookEvent {
  name: WebhookEventName;
  payload: WebhookPayload;
}

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/**
 * Delivers one webhook as GitHub does: JSON body, HMAC-SHA256 signature with the webhook secret, event name and
 * delivery GUID headers; a 10-second timeout. The delivery is recorded whatever happens.
 */
export async function sendWebhook(context: ServerContext, event: WebhookEvent, redelivery = false): Promise<Delivery> {
  const { app } = context.options;
  const body = JSON.stringify(event.payload);
  const guid = randomUUID();
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "GitHub-Hookshot/local",
    "x-github-event": event.name,
    "x-github-delivery": guid,
    "x-github-hook-id": String(app.id * 100),
    "x-github-hook-installation-target-type": "integration",
    "x-github-hook-installation-target-id": String(app.id),
    "x-hub-signature": `sha1=${createHmac("sha1", app.webhookSecret).update(body).digest("hex")}`,
    "x-hub-signature-256": signature(app.webhookSecret, body),
  };
  const started = context.now();
  let statusCode = 0;
  let status = "OK";
  let responseHeaders: Record<string, string> = {};
  let responsePayload: string | null = null;
  if (!app.webhookUrl) {
    status = "No webhook URL configured";
  } else {
    try {
      const response = await post(app.webhookUrl, headers, body, 10_000);
      statusCode = response.status;
      responseHeaders = response.headers;
      responsePayload = response.body;
      if (statusCode < 200 || statusCode >= 300) status = `Invalid HTTP Response: ${statusCode}`;
    } catch (error) {
      status = error instanceof Error && error.name === "TimeoutError" ? "timed out" : "We couldn't deliver this payload: Connection refused";
    }
  }
  const delivery: Delivery = {
    id: context.deliveries.allocateId(),
    guid,
    deliveredAt: started,
    redelivery,
    durationMs: context.now() - started,
    status,
    statusCode,
    event: event.name,
    action: "action" in event.payload ? String(event.payload.action) : null,
    installationId: "installation" in event.payload && event.payload.installation ? event.payload.installation.id : null,
    repositoryId: "repository" in event.payload && event.payload.repository ? event.payload.repository.id : null,
    request: { headers, payload: event.payload },
    response: { headers: responseHeaders, payload: responsePayload },
  };
  context.deliveries.record(delivery);
  if (status === "OK") context.stats.current.webhooks.delivered += 1;
  else context.stats.current.webhooks.failed += 1;
  return delivery;
}
