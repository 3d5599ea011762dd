import { createHmac, randomUUID } from "node:crypto";
import type { WebhookEvent as WebhookPayload, WebhookEventName } from "@octokit/webhooks-types";
import type { ServerContext } from "../context.js";
import { post } from "../http/post.js";
import type { Delivery } from "./deliveries.js";

export interface WebhookEvent {
  name: WebhookEventName;
  payload: WebhookPayload;
}

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Sends an event for the first time, under a new delivery GUID. */
export function sendWebhook(context: ServerContext, event: WebhookEvent): Promise<Delivery> {
  return context.webhooksInFlight.track(attempt(context, event, randomUUID(), false));
}

/** Sends a recorded delivery's event again, as GitHub does on `POST …/attempts`: same GUID and body, a new attempt. */
export function redeliver(context: ServerContext, original: Delivery): Promise<Delivery> {
  return context.webhooksInFlight.track(attempt(context, { name: original.event, payload: original.request.payload }, original.guid, true));
}

type Outcome = Pick<Delivery, "status" | "statusCode" | "response">;

/** What the receiving end made of a delivery, in GitHub's words; never throws, whatever the receiver does. */
async function outcome(url: string | undefined, headers: Record<string, string>, body: string, timeoutMs: number): Promise<Outcome> {
  const unanswered = (status: string): Outcome => ({ status, statusCode: 0, response: { headers: {}, payload: null } });
  if (!url) return unanswered("No webhook URL configured");
  try {
    const answer = await post(url, headers, body, timeoutMs);
    const ok = answer.status >= 200 && answer.status < 300;
    return { status: ok ? "OK" : `Invalid HTTP Response: ${answer.status}`, statusCode: answer.status, response: { headers: answer.headers, payload: answer.body } };
  } catch (error) {
    return unanswered(error instanceof Error && error.name === "TimeoutError" ? "timed out" : "failed to connect to host");
  }
}

/**
 * One delivery attempt as GitHub makes it: JSON body, HMAC signatures with the webhook secret, event name and
 * delivery GUID headers, a time limit (10 seconds by default). The attempt is recorded whatever happens.
 */
async function attempt(context: ServerContext, event: WebhookEvent, guid: string, redelivery: boolean): Promise<Delivery> {
  const { app } = context.options;
  const body = JSON.stringify(event.payload);
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
  const result = await outcome(app.webhookUrl, headers, body, context.options.webhookTimeoutMs);
  const delivery: Delivery = {
    id: context.deliveries.allocateId(),
    guid,
    deliveredAt: started,
    redelivery,
    durationMs: context.now() - started,
    ...result,
    event: event.name,
    action: "action" in event.payload ? String(event.payload.action) : null,
    installationId: "installation" in event.payload && event.payload.installation ? event.payload.installation.id : null,
    repositoryId: "repository" in event.payload && event.payload.repository ? event.payload.repository.id : null,
    request: { headers, payload: event.payload },
  };
  context.deliveries.record(delivery);
  if (result.status === "OK") context.stats.current.webhooks.delivered += 1;
  else context.stats.current.webhooks.failed += 1;
  return delivery;
}
