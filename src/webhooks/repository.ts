import type { Context } from "probot";
import type { WebhookRegistry } from "./event-dispatcher.js";
import type { RepositoryScope } from "../domain/github-values.js";
import { repositoryMetadata } from "../domain/repository-records.js";
import { findIntegration } from "../storage/integrations.js";
import { markRepositoryDeleted, updateRepositoryMetadata } from "../storage/repositories.js";
import { whenIngesting } from "./ingestion-gate.js";

/**
 * Renamed, archived, unarchived, privatized, publicized, edited, transferred: each carries the whole repository,
 * stored unless newer metadata is. Deleted, or transferred to an account this installation does not cover: the
 * record stays for history and is no longer granted.
 */
async function repositoryChanged(context: Context<"repository">, scope: RepositoryScope) {
  const { action, repository } = context.payload;
  if (action === "deleted") {
    // No deletion time in the payload; the event arrives within seconds of it.
    await markRepositoryDeleted(repository.id, new Date());
  } else {
    await updateRepositoryMetadata(repository.id, repositoryMetadata(repository));
    if (action === "transferred" && !(await ownedByInstallation(scope.installationId, repository.owner.id))) {
      await markRepositoryDeleted(repository.id, new Date());
    }
  }
  context.log.info({ ...scope, action, fullName: repository.full_name }, "repository changed");
}

async function ownedByInstallation(installationId: number, ownerId: number): Promise<boolean> {
  return (await findIntegration(installationId))?.account.id === ownerId;
}

export function repositoryHandlers(app: WebhookRegistry): void {
  app.on("repository", whenIngesting("repos", repositoryChanged));
}
