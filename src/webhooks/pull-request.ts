import type { Context } from "probot";
import type { WebhookRegistry } from "./event-dispatcher.js";
import type { RepositoryScope } from "../domain/github-values.js";
import { pullRequestRecord } from "../domain/pull-request-records.js";
import { recordReadyForReviewAt, savePullRequests } from "../storage/pull-requests.js";
import { whenIngesting } from "./ingestion-gate.js";
import { refreshLater } from "./refresh-later.js";

/** Actions that change a pull request's commits, which the payload does not list. */
const CHANGES_COMMITS = new Set(["opened", "synchronize"]);

/** Every action carries the whole pull request (state, draft, merge, labels, counts): store it, newest wins. */
async function pullRequestChanged(context: Context<"pull_request">, scope: RepositoryScope) {
  const { action, pull_request } = context.payload;
  const record = pullRequestRecord(pull_request, scope);
  await savePullRequests([record]);
  // GitHub moves updated_at as the pull request leaves draft: that is when it was ready for review.
  if (action === "ready_for_review") await recordReadyForReviewAt(record.githubId, record.updatedAt);
  if (CHANGES_COMMITS.has(action)) await refreshLater(scope, "pullRequests");
  context.log.debug({ ...scope, pullRequest: pull_request.id, action }, "pull request stored");
}

export function pullRequestHandlers(app: WebhookRegistry): void {
  app.on("pull_request", whenIngesting("pullRequests", pullRequestChanged));
}
