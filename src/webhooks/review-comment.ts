import type { Context } from "probot";
import type { WebhookRegistry } from "./event-dispatcher.js";
import type { RepositoryScope } from "../domain/github-values.js";
import { pullRequestView } from "../domain/pull-request-records.js";
import { recordReviewCommentAt, savePullRequests } from "../storage/pull-requests.js";
import { whenIngesting } from "./ingestion-gate.js";
import { refreshLater } from "./refresh-later.js";

type ShortPullRequest = Context<"pull_request_review_comment" | "pull_request_review_thread">["payload"]["pull_request"];

/**
 * Review comments feed the pull request's first review comment time (the earliest seen, so order and repeats do
 * not matter). The event's short view of the pull request is stored at its version (newest wins; fields the view
 * lacks, such as counts, stay as stored): a comment moves the pull request's updated time on GitHub, and that
 * version is kept even if the repository leaves the installation before the refresh can read GitHub.
 */
async function noteReviewComments(pullRequest: ShortPullRequest, writtenAt: string[], scope: RepositoryScope) {
  await savePullRequests([pullRequestView(pullRequest, scope)]);
  const earliest = writtenAt.map((time) => new Date(time)).sort((a, b) => a.getTime() - b.getTime())[0];
  if (earliest) await recordReviewCommentAt(pullRequest.id, earliest);
}

/**
 * The payload's short pull request has no review comment count: a created or deleted comment asks the backfill
 * to re-read the pull request (a deleted first comment also moves the first time, which only GitHub can tell).
 */
async function reviewCommentChanged(context: Context<"pull_request_review_comment">, scope: RepositoryScope) {
  const { action, comment, pull_request } = context.payload;
  await noteReviewComments(pull_request, action === "deleted" ? [] : [comment.created_at], scope);
  if (action !== "edited") await refreshLater(scope, "pullRequests");
  context.log.debug({ ...scope, pullRequest: pull_request.id, action }, "review comment noted");
}

/** A thread resolved or reopened: counts do not change, but its comments are review comments all the same. */
async function reviewThreadChanged(context: Context<"pull_request_review_thread">, scope: RepositoryScope) {
  const { action, thread, pull_request } = context.payload;
  await noteReviewComments(pull_request, thread.comments.map((comment) => comment.created_at), scope);
  context.log.debug({ ...scope, pullRequest: pull_request.id, action }, "review thread noted");
}

export function reviewCommentHandlers(app: WebhookRegistry): void {
  app.on("pull_request_review_comment", whenIngesting("pullRequests", reviewCommentChanged));
  app.on("pull_request_review_thread", whenIngesting("pullRequests", reviewThreadChanged));
}
