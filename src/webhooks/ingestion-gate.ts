import type { EmitterWebhookEventName } from "@octokit/webhooks";
import type { Context } from "probot";
import type { RepositoryScope } from "../domain/github-values.js";
import { findIntegration } from "../storage/integrations.js";
import { occurredAt } from "../domain/ingestion-scope.js";
import { decideIngestion } from "../storage/ingestion-scope.js";
import type { Service } from "../storage/models/import-status.js";

type Handler<E extends EmitterWebhookEventName, Scope> = (context: Context<E>, scope: Scope) => Promise<void>;
type ScopedPayload = { installation?: { id: number }; repository?: { id: number } };

/**
 * Runs `handler` only when the data may be stored: the installation is active, grants the repository, and has the
 * service on (`decideIngestion`). Anything else is acknowledged and dropped with a debug line. `service` may
 * depend on the payload (an issue comment belongs to a ticket or to a pull request).
 */
export function whenIngesting<E extends EmitterWebhookEventName>(
  service: Service | ((context: Context<E>) => Service),
  handler: Handler<E, RepositoryScope>,
): (context: Context<E>) => Promise<void> {
  return async (context) => {
    const { installation, repository } = context.payload as ScopedPayload;
    const serviceOf = typeof service === "function" ? service(context) : service;
    const ignore = (reason: string) =>
      context.log.debug({ event: context.name, installationId: installation?.id, repositoryId: repository?.id, service: serviceOf }, `ignored: ${reason}`);
    if (!installation || !repository) return ignore("no installation or repository in the payload");
    const decision = await decideIngestion(installation.id, repository.id, serviceOf, occurredAt(context.payload as Parameters<typeof occurredAt>[0]));
    if (!decision.ingest) return ignore(decision.reason);
    await handler(context, { installationId: installation.id, repositoryId: repository.id });
  };
}

/** Runs `handler` for organization-wide data (members), which active integrations store whatever their services. */
export function whenIntegrationActive<E extends EmitterWebhookEventName>(
  handler: Handler<E, { installationId: number }>,
): (context: Context<E>) => Promise<void> {
  return async (context) => {
    const installationId = (context.payload as ScopedPayload).installation?.id;
    const integration = installationId === undefined ? null : await findIntegration(installationId);
    if (integration?.status !== "active") {
      context.log.debug({ event: context.name, installationId }, `ignored: integration ${integration?.status ?? "unknown"}`);
      return;
    }
    await handler(context, { installationId: integration.installationId });
  };
}
