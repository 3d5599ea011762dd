import type { Context } from "probot";
import type { WebhookRegistry } from "./event-dispatcher.js";
import { requestForcePushCleanup } from "../backfill/control.js";
import { isDefaultBranchPush, pushCommitRecords } from "../domain/commit-records.js";
import type { RepositoryScope } from "../domain/github-values.js";
import { savePushedCommits } from "../storage/commits.js";
import { whenIngesting } from "./ingestion-gate.js";
import { refreshLater } from "./refresh-later.js";

/**
 * New commits on the default branch are stored from the payload at once. The payload lacks parents (merge flag),
 * line counts and any commit past the 20th: every such push asks the backfill to re-read the branch incrementally.
 * A force-push does not say which commits it dropped; a background job asks GitHub's compare and marks them.
 */
async function pushed(context: Context<"push">, scope: RepositoryScope) {
  const { payload } = context;
  if (!isDefaultBranchPush(payload)) {
    context.log.debug({ ...scope, ref: payload.ref }, "ignored: not the default branch");
    return;
  }
  await savePushedCommits(pushCommitRecords(payload, scope));
  await refreshLater(scope, "repos");
  if (payload.forced) {
    await requestForcePushCleanup(scope.installationId, { repositoryId: scope.repositoryId, before: payload.before, after: payload.after });
  }
  context.log.debug({ ...scope, commits: payload.commits.length, forced: payload.forced }, "push stored");
}

export function pushHandlers(app: WebhookRegistry): void {
  app.on("push", whenIngesting("repos", pushed));
}
