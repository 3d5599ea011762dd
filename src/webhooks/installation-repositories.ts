import type { Context } from "probot";
import type { WebhookRegistry } from "./event-dispatcher.js";
import { actorOf, gitHubTime } from "../domain/installation.js";
import { appendAudit, auditRepositories, recordInstallationSnapshot } from "../storage/integrations.js";
import { requestBackfill, stopService } from "../backfill/control.js";
import { SERVICES } from "../storage/models/import-status.js";
import { completeRepositoryRefs, setRepositoryGrants } from "../storage/repositories.js";

/** Repositories added to or removed from the installation, including a switch between "all" and "selected". */
async function repositoriesChanged(context: Context<"installation_repositories">) {
  const { installation, repositories_added, repositories_removed, repository_selection, sender, action } = context.payload;
  const at = gitHubTime(installation.updated_at);
  // The payload can be the first thing we hear of an installation (its `created` may still be in flight).
  await recordInstallationSnapshot({ ...installation, repository_selection });
  await setRepositoryGrants(installation.id, repositories_added, true, at);
  const removed = completeRepositoryRefs(repositories_removed);
  await setRepositoryGrants(installation.id, removed, false, at);
  if (repositories_added.length > 0) await requestBackfill(installation.id, { repositoryIds: repositories_added.map((repo) => repo.id) });
  if (removed.length > 0) {
    for (const service of SERVICES) await stopService(installation.id, service, removed.map((repo) => Number(repo.id)));
  }
  const changed = action === "added" ? repositories_added : removed;
  await appendAudit(installation.id, {
    action: `installation_repositories.${action}`,
    actor: actorOf(sender),
    at,
    deliveryId: context.id,
    ...auditRepositories(changed.map((repo) => ({ id: Number(repo.id), fullName: repo.full_name }))),
  });
  context.log.info(
    { installationId: installation.id, added: repositories_added.length, removed: repositories_removed.length, repository_selection },
    "installation repositories changed",
  );
}

export function installationRepositoriesHandlers(app: WebhookRegistry): void {
  app.on("installation_repositories", repositoriesChanged);
}
