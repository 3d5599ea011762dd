import { createEventHandler, type EmitterWebhookEvent } from "@octokit/webhooks";
import { Context, ProbotOctokit, type Logger, type Probot } from "probot";

/** Where handlers are registered: Probot's `on`, which the dispatcher below has too. */
export type WebhookRegistry = Pick<Probot, "on">;

/** What runs the registered handlers for one event: Probot's `receive`, or the dispatcher's. */
export interface EventReceiver {
  receive(event: EmitterWebhookEvent): Promise<void>;
}

/**
 * The client every event's context carries. Handlers never call GitHub: what a payload lacks is queued as a refresh
 * (see refresh-later.ts), read later within the installation's budget. Any request made through it fails, saying so.
 */
function refusingOctokit(): ProbotOctokit {
  const octokit = new ProbotOctokit();
  octokit.hook.wrap("request", () => {
    throw new Error("webhook handlers do not call GitHub: queue a refresh instead (see src/webhooks/refresh-later.ts)");
  });
  return octokit;
}

/**
 * Runs handlers registered as on Probot, with the same context (payload, id, name, a logger naming the event), for the
 * inbox's deliveries. Probot's own `receive` builds an installation client with all its plugins for every event,
 * which the handlers never use: in a burst of deliveries that was a twentieth of the processing's CPU.
 */
export function eventDispatcher(log: Logger): WebhookRegistry & EventReceiver {
  const octokit = refusingOctokit();
  const handler = createEventHandler<Omit<Context, keyof EmitterWebhookEvent>>({
    transform: (event) => new Context(event, octokit, log.child({ name: "event", id: event.id })),
  });
  return { on: handler.on, receive: (event) => handler.receive(event) };
}
