import type { Context } from "probot";
import type { TicketRecord } from "../storage/tickets.js";
import { labelNames, optionalTime, userRef, userRefs, type RepositoryScope } from "./github-values.js";
import { gitHubTime } from "./installation.js";

type WebhookIssue = Context<"issues">["payload"]["issue"] | Context<"issue_comment">["payload"]["issue"];

/** GitHub serves pull requests as issues too; only real issues are tickets. */
export function isPullRequest(issue: { pull_request?: unknown }): boolean {
  return Boolean(issue.pull_request);
}

export function ticketRecord(issue: WebhookIssue, scope: RepositoryScope): TicketRecord {
  return {
    githubId: issue.id,
    nodeId: issue.node_id,
    repositoryId: scope.repositoryId,
    installationId: scope.installationId,
    number: issue.number,
    title: issue.title,
    author: userRef(issue.user),
    state: issue.state === "closed" ? "closed" : "open",
    stateReason: issue.state_reason ?? null,
    labels: labelNames(issue.labels),
    assignees: userRefs(issue.assignees ?? []),
    milestone: issue.milestone?.title ?? null,
    createdAt: gitHubTime(issue.created_at),
    updatedAt: gitHubTime(issue.updated_at),
    closedAt: optionalTime(issue.closed_at),
    commentsCount: issue.comments,
  };
}
