import { requestBackfill, stopService } from "../backfill/control.js";
import { findDeadDelivery } from "../storage/dead-deliveries.js";
import { retryDeadDelivery } from "../storage/deliveries.js";
import { appendAudit, auditRepositories, renameIntegration, setService } from "../storage/integrations.js";
import type { Service } from "../storage/models/import-status.js";
import type { AuditEntry, Integration } from "../storage/models/integration.js";
import { findRepository } from "../storage/repositories.js";
import { HttpError, notFound } from "./http-error.js";
import type { GitHubUser } from "./user-github.js";

// What an admin can change about an integration; each change is written to its audit trail with what the Activity
// page needs to say it in a sentence.

type Details = Omit<AuditEntry, "action" | "actor" | "at" | "deliveryId">;

const audit = (installationId: number, user: GitHubUser, action: string, details: Details) =>
  appendAudit(installationId, { action, actor: { id: user.id, login: user.login }, at: new Date(), deliveryId: null, ...details });

export async function rename(user: GitHubUser, integration: Pick<Integration, "installationId" | "name">, name: string): Promise<void> {
  const from = (await renameIntegration(integration.installationId, name)) ?? integration.name;
  await audit(integration.installationId, user, "web.renamed", { renamed: { from, to: name } });
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
  await audit(integration.installationId, user, `web.service_${enabled ? "enabled" : "disabled"}.${service}`, { service: { name: service, enabled } });
}

/** Queues an import of one repository for every enabled service; returns how many imports were queued. */
export async function reimport(user: GitHubUser, integration: Pick<Integration, "installationId" | "status">, repositoryId: number): Promise<number> {
  const repository = await findRepository(repositoryId);
  if (!repository || repository.installationId !== integration.installationId || !repository.granted) throw notFound();
  if (integration.status !== "active") throw new HttpError(409, `The integration is ${integration.status}: nothing can be imported`);
  const queued = await requestBackfill(integration.installationId, { repositoryIds: [repositoryId] });
  await audit(integration.installationId, user, "web.reimport_requested", auditRepositories([{ id: repositoryId, fullName: repository.fullName }]));
  return queued;
}

/**
 * Sends a dead delivery back to the inbox with fresh attempts; the inbox processor picks it up at its next poll.
 * The audit entry names the delivery in its action too: its `deliveryId` field is the delivery that caused an entry,
 * and appendAudit keeps one entry per such id, which would swallow the entry of the retried delivery itself.
 */
export async function retryDelivery(user: GitHubUser, integration: Pick<Integration, "installationId">, deliveryId: string): Promise<void> {
  const dead = await findDeadDelivery(integration.installationId, deliveryId);
  if (!dead || !(await retryDeadDelivery(integration.installationId, deliveryId))) {
    throw new HttpError(404, `This integration has no dead delivery ${deliveryId}: only dead deliveries can be retried`);
  }
  const repository = dead.repositoryId ? await findRepository(dead.repositoryId) : null;
  await audit(integration.installationId, user, `web.delivery_retried.${deliveryId}`, {
    retriedDelivery: { id: deliveryId, event: dead.event, action: dead.action ?? null },
    ...auditRepositories(repository ? [{ id: repository.githubId, fullName: repository.fullName }] : []),
  });
}
