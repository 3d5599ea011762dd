import { requestBackfill, stopService } from "../backfill/control.js";
import { retryDeadDelivery } from "../storage/deliveries.js";
import { appendAudit, renameIntegration, setService } from "../storage/integrations.js";
import type { Service } from "../storage/models/import-status.js";
import type { Integration } from "../storage/models/integration.js";
import { listRepositories } from "../storage/repositories.js";
import { HttpError, notFound } from "./http-error.js";
import type { GitHubUser } from "./user-github.js";

// What an admin can change about an integration; each change is written to its audit trail.

const audit = (installationId: number, user: GitHubUser, action: string) =>
  appendAudit(installationId, { action, actor: { id: user.id, login: user.login }, at: new Date(), deliveryId: null });

export async function rename(user: GitHubUser, integration: Pick<Integration, "installationId">, name: string): Promise<void> {
  await renameIntegration(integration.installationId, name);
  await audit(integration.installationId, user, "web.renamed");
}

/** Switching a service on backfills it at once; switching it off stops its imports. */
export async function switchService(
  user: GitHubUser,
  integration: Pick<Integration, "installationId">,
  service: Service,
  enabled: boolean,
): Promise<void> {
  await setService(integration.installationId, service, enabled);
  if (enabled) await requestBackfill(integration.installationId, { services: [service] });
  else await stopService(integration.installationId, service);
  await audit(integration.installationId, user, `web.service_${enabled ? "enabled" : "disabled"}.${service}`);
}

/** Queues an import of one repository for every enabled service; returns how many imports were queued. */
export async function reimport(user: GitHubUser, integration: Pick<Integration, "installationId" | "status">, repositoryId: number): Promise<number> {
  const granted = await listRepositories(integration.installationId, { granted: true });
  if (!granted.some((repo) => repo.githubId === repositoryId)) throw notFound();
  if (integration.status !== "active") throw new HttpError(409, `The integration is ${integration.status}: nothing can be imported`);
  const queued = await requestBackfill(integration.installationId, { repositoryIds: [repositoryId] });
  await audit(integration.installationId, user, "web.reimport_requested");
  return queued;
}

/**
 * Sends a dead delivery back to the inbox with fresh attempts; the inbox processor picks it up at its next poll.
 * The audit entry names the delivery in its action: its `deliveryId` field is the delivery that caused an entry,
 * and appendAudit keeps one entry per such id, which would swallow the entry of the retried delivery itself.
 */
export async function retryDelivery(user: GitHubUser, integration: Pick<Integration, "installationId">, deliveryId: string): Promise<void> {
  if (!(await retryDeadDelivery(integration.installationId, deliveryId))) {
    throw new HttpError(404, `This integration has no dead delivery ${deliveryId}: only dead deliveries can be retried`);
  }
  await audit(integration.installationId, user, `web.delivery_retried.${deliveryId}`);
}
