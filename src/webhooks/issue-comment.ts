import type { Context } from "probot";
import type { WebhookRegistry } from "./event-dispatcher.js";
import type { RepositoryScope } from "../domain/github-values.js";
import { gitHubTime } from "../domain/installation.js";
import { isPullRequest, ticketRecord } from "../domain/ticket-records.js";
import { recordConversationCommentAt } from "../storage/pull-requests.js";
import { saveTickets } from "../storage/tickets.js";
import { whenIngesting } from "./ingestion-gate.js";
import { refreshLater } from "./refresh-later.js";

type CommentContext = Context<"issue_comment">;

/**
 * A conversation comment on a pull request: the earliest comment time is kept (order and repeats do not matter).
 * The payload names the pull request by number only and carries no count of its own, so counts come from the
 * backfill, and a comment on a pull request not stored yet is left to that same backfill.
 */
async function pullRequestCommented(context: CommentContext, scope: RepositoryScope) {
  const { action, issue, comment } = context.payload;
  if (action !== "deleted") await recordConversationCommentAt({ repositoryId: scope.repositoryId, number: issue.number }, gitHubTime(comment.created_at));
  if (action !== "edited") await refreshLater(scope, "pullRequests");
}

async function commented(context: CommentContext, scope: RepositoryScope) {
  const { action, issue } = context.payload;
  // A ticket's comment count is part of the issue the payload carries, dated by its updated_at.
  if (isPullRequest(issue)) await pullRequestCommented(context, scope);
  else await saveTickets([ticketRecord(issue, scope)]);
  context.log.debug({ ...scope, issue: issue.id, action }, "comment noted");
}

const serviceOf = (context: CommentContext) => (isPullRequest(context.payload.issue) ? "pullRequests" : "tickets");

export function issueCommentHandlers(app: WebhookRegistry): void {
  app.on("issue_comment", whenIngesting(serviceOf, commented));
}
