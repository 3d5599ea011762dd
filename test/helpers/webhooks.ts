import { createRequire } from "node:module";
import type { WebhookDefinition } from "@octokit/webhooks-examples";
import type { WebhookEventMap, WebhookEventName } from "@octokit/webhooks-types";

const definitions: WebhookDefinition[] = createRequire(import.meta.url)("@octokit/webhooks-examples");

/**
 * A real example payload from GitHub's documentation (`@octokit/webhooks-examples`), deep-copied so a test can
 * adjust it. `pick` chooses among several examples of the same action.
 */
export function examplePayload<E extends WebhookEventName>(
  event: E,
  pick: (payload: WebhookEventMap[E]) => boolean = () => true,
): WebhookEventMap[E] {
  const definition = definitions.find((d) => d.name === event) as WebhookDefinition<E> | undefined;
  const payload = definition?.examples.find(pick);
  if (!payload) throw new Error(`no ${event} example matches`);
  return structuredClone(payload);
}

/** Shorthand for the common case: the first example of an action. */
export function exampleAction<E extends WebhookEventName>(event: E, action: string): WebhookEventMap[E] {
  return examplePayload(event, (payload) => (payload as { action?: string }).action === action);
}
