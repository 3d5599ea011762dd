import type { Context } from "probot";
import type { TicketRecord } from "../storage/tickets.js";
import { labelNames, optionalTime, userRef, userRefs, type RepositoryScope } from "./github-values.js";
import { required, requiredTime } from "./required-fields.js";

type WebhookIssue = Context<"issues">["payload"]["issue"] | Context<"issue_comment">["payload"]["issue"];

/** GitHub serves pull requests as issues too; only real issues are tickets. */
export function isPullRequest(issue: { pull_request?: unknown }): boolean {
  return Boolean(issue.pull_request);
}

/** The issue of an `issues` or `issue_comment` event, both of which name it `issue`. */
export function ticketRecord(issue: WebhookIssue, scope: RepositoryScope): TicketRecord {
  required(issue, "issue", "object");
  const state = required(issue.state, "issue.state", "string");
  return {
    githubId: required(issue.id, "issue.id", "integer"),
    nodeId: issue.node_id,
    repositoryId: scope.repositoryId,
    installationId: scope.installationId,
    number: required(issue.number, "issue.number", "integer"),
    title: issue.title,
    author: userRef(issue.user),
    state: state === "closed" ? "closed" : "open",
    stateReason: issue.state_reason ?? null,
    labels: labelNames(issue.labels),
    assignees: userRefs(issue.assignees ?? []),
    milestone: issue.milestone?.title ?? null,
    createdAt: requiredTime(issue.created_at, "issue.created_at"),
    updatedAt: requiredTime(issue.updated_at, "issue.updated_at"),
    closedAt: optionalTime(issue.closed_at),
    commentsCount: issue.comments,
  };
}
