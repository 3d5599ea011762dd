import type { Context } from "probot";
import type { PullRequestRecord } from "../storage/pull-requests.js";
import type { ReviewRecord } from "../storage/reviews.js";
import { labelNames, optionalTime, userRef, userRefs, type RepositoryScope } from "./github-values.js";
import { required, requiredTime } from "./required-fields.js";

/** The pull request as `pull_request` events carry it: every field but the commit list. */
type FullPullRequest = Context<"pull_request">["payload"]["pull_request"];
/** The shorter pull request of review, review comment and review thread events: no counts, no merged_by. */
type ShortPullRequest =
  | Context<"pull_request_review">["payload"]["pull_request"]
  | Context<"pull_request_review_comment">["payload"]["pull_request"]
  | Context<"pull_request_review_thread">["payload"]["pull_request"];
type WebhookReview = Context<"pull_request_review">["payload"]["review"];

/** What every view of a pull request carries; every event names it `pull_request`. */
function commonFields(pr: FullPullRequest | ShortPullRequest, scope: RepositoryScope) {
  required(pr, "pull_request", "object");
  const state = required(pr.state, "pull_request.state", "string");
  return {
    githubId: required(pr.id, "pull_request.id", "integer"),
    nodeId: pr.node_id,
    repositoryId: scope.repositoryId,
    installationId: scope.installationId,
    number: required(pr.number, "pull_request.number", "integer"),
    title: pr.title,
    author: userRef(pr.user),
    // A merged pull request is closed too; "merged" is what cycle-time reports need to tell it apart.
    state: pr.merged_at ? "merged" : state,
    draft: pr.draft ?? false,
    createdAt: requiredTime(pr.created_at, "pull_request.created_at"),
    updatedAt: requiredTime(pr.updated_at, "pull_request.updated_at"),
    closedAt: optionalTime(pr.closed_at),
    mergedAt: optionalTime(pr.merged_at),
    baseRef: required(pr.base, "pull_request.base", "object").ref,
    headRef: required(pr.head, "pull_request.head", "object").ref,
    labels: labelNames(pr.labels),
    requestedReviewers: userRefs(pr.requested_reviewers ?? []),
    assignees: userRefs(pr.assignees ?? []),
  } satisfies PullRequestRecord;
}

/** A `pull_request` event's pull request: everything but its commits, which only the backfill lists. */
export function pullRequestRecord(pr: FullPullRequest, scope: RepositoryScope): PullRequestRecord {
  return {
    ...commonFields(pr, scope),
    mergedBy: userRef(pr.merged_by),
    additions: pr.additions,
    deletions: pr.deletions,
    changedFiles: pr.changed_files,
    commitsCount: pr.commits,
    commentsCount: pr.comments,
    reviewCommentsCount: pr.review_comments,
  };
}

/** The short pull request of review-related events, to create a pull request not stored yet. */
export function pullRequestView(pr: ShortPullRequest, scope: RepositoryScope): PullRequestRecord {
  return commonFields(pr, scope);
}

const REVIEW_STATES = { approved: "APPROVED", changes_requested: "CHANGES_REQUESTED", commented: "COMMENTED", dismissed: "DISMISSED" } as const;

/**
 * A review from a `pull_request_review` event. Reviews carry no updated_at of their own; the pull request's
 * (which GitHub moves on every submission, edit and dismissal) orders versions of the review instead.
 */
export function reviewRecord(review: WebhookReview, pr: Context<"pull_request_review">["payload"]["pull_request"], scope: RepositoryScope): ReviewRecord {
  required(review, "review", "object");
  required(pr, "pull_request", "object");
  const submittedAt = optionalTime(review.submitted_at);
  const prUpdatedAt = requiredTime(pr.updated_at, "pull_request.updated_at");
  const state = required(review.state, "review.state", "string");
  return {
    githubId: required(review.id, "review.id", "integer"),
    pullRequestId: required(pr.id, "pull_request.id", "integer"),
    repositoryId: scope.repositoryId,
    installationId: scope.installationId,
    author: userRef(review.user),
    state: REVIEW_STATES[state as keyof typeof REVIEW_STATES] ?? "PENDING",
    submittedAt,
    updatedAt: submittedAt && submittedAt > prUpdatedAt ? submittedAt : prUpdatedAt,
  };
}
