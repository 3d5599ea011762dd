import type { Probot } from "probot";
import { actorOf, isSuspended, type LifecycleAction } from "../domain/installation.js";
import {
  appendAudit,
  applyLifecycleAction,
  auditRepositories,
  findIntegration,
  listIntegrations,
  recordInstallationSnapshot,
} from "../storage/integrations.js";
import type { AuditRepository } from "../storage/models/integration.js";
import { listRepositories, revokeOtherGrants, setRepositoryGrants } from "../storage/repositories.js";

export interface ReconcileSummary {
  installations: number;
  changes: number;
}

/**
 * Brings the database in line with what GitHub reports now: webhooks can be missed (app down, delivery failed),
 * so this is the safety net. Idempotent; each change is logged and written to the integration's audit trail.
 */
export async function reconcile(app: Probot): Promise<ReconcileSummary> {
  const log = app.log.child({ name: "reconcile" });
  const appOctokit = await app.auth();
  const installations = await appOctokit.paginate(appOctokit.rest.apps.listInstallations, { per_page: 100 });
  let changes = 0;
  const change = async (installationId: number, action: string, details: Record<string, unknown>) => {
    changes += 1;
    log.info({ installationId, ...details }, `reconcile: ${action}`);
    await appendAudit(installationId, { action: `reconcile.${action}`, actor: null, at: new Date(), deliveryId: null });
  };
  // Grants found changed are one audit entry per installation and direction, however many repositories they are.
  const grantsChanged = async (installationId: number, action: "repository_granted" | "repository_revoked", repositories: AuditRepository[]) => {
    if (repositories.length === 0) return;
    changes += repositories.length;
    for (const { fullName } of repositories) log.info({ installationId, repository: fullName }, `reconcile: ${action}`);
    await appendAudit(installationId, { action: `reconcile.${action}`, actor: null, at: new Date(), deliveryId: null, ...auditRepositories(repositories) });
  };

  for (const installation of installations) {
    const before = await findIntegration(installation.id);
    await recordInstallationSnapshot(installation);
    if (!before) await change(installation.id, "created", { account: installation.account?.id });

    const action: LifecycleAction = isSuspended(installation) ? "suspend" : "unsuspend";
    if (before && before.status !== (action === "suspend" ? "suspended" : "active")) {
      const status = await applyLifecycleAction(installation.id, action, new Date(), actorOf(installation.suspended_by));
      if (status) await change(installation.id, status, { from: before.status });
    }
    // A suspended installation cannot mint tokens; its grants are reconciled once it is unsuspended.
    if (action === "suspend") continue;

    const octokit = await app.auth(installation.id);
    const repos = await octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, { per_page: 100 });
    const now = new Date();
    const grantedBefore = new Set((await listRepositories(installation.id, { granted: true })).map((repo) => repo.githubId));
    await setRepositoryGrants(installation.id, repos, true, now);
    const granted = repos.filter((repo) => !grantedBefore.has(Number(repo.id)));
    await grantsChanged(installation.id, "repository_granted", granted.map((repo) => ({ id: Number(repo.id), fullName: repo.full_name })));
    const revoked = await revokeOtherGrants(installation.id, repos.map((repo) => Number(repo.id)), now);
    await grantsChanged(installation.id, "repository_revoked", revoked.map((repo) => ({ id: repo.githubId, fullName: repo.fullName })));
  }

  const onGitHub = new Set(installations.map((installation) => installation.id));
  for (const integration of await listIntegrations()) {
    if (integration.status === "uninstalled" || onGitHub.has(integration.installationId)) continue;
    const now = new Date();
    await applyLifecycleAction(integration.installationId, "delete", now, null);
    await revokeOtherGrants(integration.installationId, [], now);
    await change(integration.installationId, "uninstalled", { account: integration.account.login });
  }

  log.info({ installations: installations.length, changes }, "reconcile finished");
  return { installations: installations.length, changes };
}
