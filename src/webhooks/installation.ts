import type { Context } from "probot";
import type { WebhookRegistry } from "./event-dispatcher.js";
import { actorOf, gitHubTime, type LifecycleAction } from "../domain/installation.js";
import {
  appendAudit,
  applyLifecycleAction,
  auditRepositories,
  recordInstallationSnapshot,
  recordInstaller,
} from "../storage/integrations.js";
import { requestBackfill } from "../backfill/control.js";
import type { AuditEntry } from "../storage/models/integration.js";
import { revokeOtherGrants, setRepositoryGrants } from "../storage/repositories.js";

type InstallationContext = Context<"installation">;
type LifecycleContext = Context<"installation.deleted" | "installation.suspend" | "installation.unsuspend">;

async function audit(context: InstallationContext, at: Date, details: Pick<AuditEntry, "repositories" | "repositoryCount"> = {}) {
  const { installation, action, sender } = context.payload;
  await appendAudit(installation.id, { action: `installation.${action}`, actor: actorOf(sender), at, deliveryId: context.id, ...details });
}

async function created(context: Context<"installation.created">) {
  const { installation, repositories = [], sender, requester } = context.payload;
  const at = gitHubTime(installation.created_at);
  await recordInstallationSnapshot(installation);
  await recordInstaller(installation.id, actorOf(sender), actorOf(requester));
  await setRepositoryGrants(installation.id, repositories, true, at);
  await audit(context, at, auditRepositories(repositories.map((repo) => ({ id: repo.id, fullName: repo.full_name }))));
  // History is imported by background workers; the webhook is answered right away.
  const queued = await requestBackfill(installation.id);
  context.log.info({ installationId: installation.id, account: installation.account?.id, queued }, "integration created");
}

const LIFECYCLE: Record<string, LifecycleAction> = { deleted: "delete", suspend: "suspend", unsuspend: "unsuspend" };

function lifecycleTime(context: LifecycleContext): Date {
  const { installation, action } = context.payload;
  return action === "suspend" ? gitHubTime(installation.suspended_at ?? installation.updated_at) : gitHubTime(installation.updated_at);
}

async function lifecycle(context: LifecycleContext) {
  const { installation, sender, action } = context.payload;
  const at = action === "deleted" ? new Date() : lifecycleTime(context);
  await recordInstallationSnapshot(installation);
  const status = await applyLifecycleAction(installation.id, LIFECYCLE[action]!, at, actorOf(sender));
  if (context.payload.action === "deleted") {
    // Data is kept after uninstall; only the grants go. Recording the payload's repositories as withdrawn also
    // stops a late `created` from granting them again.
    await setRepositoryGrants(installation.id, context.payload.repositories ?? [], false, at);
    await revokeOtherGrants(installation.id, [], at);
  }
  await audit(context, at);
  // Catch up on what happened while suspended (incremental: only what changed since the last sync).
  if (status === "active") await requestBackfill(installation.id);
  context.log.info({ installationId: installation.id, action, status: status ?? "unchanged" }, "integration lifecycle");
}

async function permissionsAccepted(context: Context<"installation.new_permissions_accepted">) {
  await recordInstallationSnapshot(context.payload.installation);
  await audit(context, gitHubTime(context.payload.installation.updated_at));
}

export function installationHandlers(app: WebhookRegistry): void {
  app.on("installation.created", created);
  app.on(["installation.deleted", "installation.suspend", "installation.unsuspend"], lifecycle);
  app.on("installation.new_permissions_accepted", permissionsAccepted);
}
