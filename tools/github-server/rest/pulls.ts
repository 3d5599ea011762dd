import type { GeneratedOrg } from "../org/generate.js";
import { commitSha, nodeId } from "../org/ids.js";
import type { Person, PullRequest, Review, ReviewComment } from "../org/model.js";
import { seedOf } from "../random.js";
import { repository } from "./repositories.js";
import type { Schema } from "./schemas.js";
import { nullableUser, simpleUser } from "./users.js";
import { iso, isoOrNull, type Urls } from "./urls.js";

export interface RestView {
  urls: Urls;
  generated: GeneratedOrg;
}

export function authorAssociation(view: RestView, person: Person | null): Schema<"author-association"> {
  if (!person) return "NONE";
  return view.generated.member(person.login) ? "MEMBER" : "CONTRIBUTOR";
}

export function label(view: RestView, repoFullName: string, name: string): Schema<"label"> & { description: string } {
  const id = seedOf("label", name);
  return {
    id,
    node_id: nodeId("Issue", `label-${id}`),
    url: `${view.urls.api}/repos/${repoFullName}/labels/${encodeURIComponent(name)}`,
    name,
    description: `Work tagged ${name}`,
    color: id.toString(16).padStart(6, "0").slice(0, 6),
    default: name === "bug" || name === "enhancement" || name === "documentation",
  };
}

export function pullHeadSha(pull: PullRequest): string {
  return commitSha({ on: "pull", repoIndex: pull.repo.index, number: pull.number, index: pull.shape.commits - 1 });
}

function pullUrls(view: RestView, pull: PullRequest) {
  const fullName = `${view.generated.org.login}/${pull.repo.name}`;
  const api = `${view.urls.api}/repos/${fullName}`;
  const html = `${view.urls.web}/${fullName}/pull/${pull.number}`;
  return {
    fullName,
    url: `${api}/pulls/${pull.number}`,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pull.number}`,
    commits_url: `${api}/pulls/${pull.number}/commits`,
    review_comments_url: `${api}/pulls/${pull.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pull.number}/comments`,
    statuses_url: `${api}/statuses/${pullHeadSha(pull)}`,
  };
}

/** The list shape, with the fields the detail shape narrows (non-null head/base users, open|closed). */
type PullRequestSimple = Schema<"pull-request-simple"> &
  Pick<Schema<"pull-request">, "head" | "base"> & { state: "open" | "closed" };

export function pullRequestSimple(view: RestView, pull: PullRequest): PullRequestSimple {
  const { fullName, ...urls } = pullUrls(view, pull);
  const repo = repository(view.urls, view.generated, pull.repo);
  const branch = view.generated.branch(pull.repo);
  const orgOwner = repo.owner;
  const headUser = pull.author ? simpleUser(view.urls, pull.author) : orgOwner;
  return {
    ...urls,
    id: pull.id,
    node_id: nodeId("PullRequest", `${pull.repo.index}/${pull.number}`),
    number: pull.number,
    state: pull.closedAt === null ? ("open" as const) : ("closed" as const),
    locked: false,
    title: pull.title,
    user: nullableUser(view.urls, pull.author),
    body: pull.body,
    labels: pull.labels.map((name) => label(view, fullName, name)),
    milestone: null,
    active_lock_reason: null,
    created_at: iso(pull.createdAt),
    updated_at: iso(pull.updatedAt),
    closed_at: isoOrNull(pull.closedAt),
    merged_at: isoOrNull(pull.mergedAt),
    merge_commit_sha: pull.mergeCommitSha,
    assignee: pull.assignees[0] ? simpleUser(view.urls, pull.assignees[0]) : null,
    assignees: pull.assignees.map((person) => simpleUser(view.urls, person)),
    requested_reviewers: pull.requestedReviewers.map((person) => simpleUser(view.urls, person)),
    requested_teams: [],
    head: { label: `${view.generated.org.login}:${pull.headRef}`, ref: pull.headRef, sha: pullHeadSha(pull), user: headUser, repo },
    base: { label: `${view.generated.org.login}:${pull.baseRef}`, ref: pull.baseRef, sha: branch.at(-1)!.sha, user: orgOwner, repo },
    _links: {
      self: { href: urls.url },
      html: { href: urls.html_url },
      issue: { href: urls.issue_url },
      comments: { href: urls.comments_url },
      review_comments: { href: urls.review_comments_url },
      review_comment: { href: urls.review_comment_url },
      commits: { href: urls.commits_url },
      statuses: { href: urls.statuses_url },
    },
    author_association: authorAssociation(view, pull.author),
    auto_merge: null,
    draft: pull.draft,
  };
}

export function pullRequest(view: RestView, pull: PullRequest): Schema<"pull-request"> {
  const open = pull.closedAt === null;
  return {
    ...pullRequestSimple(view, pull),
    user: simpleUserOrGhost(view, pull.author),
    merged: pull.mergedAt !== null,
    mergeable: open ? !pull.draft : null,
    rebaseable: open ? !pull.draft : null,
    mergeable_state: open ? (pull.draft ? "draft" : "clean") : "unknown",
    merged_by: nullableUser(view.urls, pull.mergedBy),
    comments: pull.shape.comments,
    review_comments: pull.shape.reviewComments,
    maintainer_can_modify: false,
    commits: pull.shape.commits,
    additions: pull.additions,
    deletions: pull.deletions,
    changed_files: pull.changedFiles,
  };
}

export function pullRequestReview(view: RestView, pull: PullRequest, review: Review): Schema<"pull-request-review"> {
  const { html_url, url } = pullUrls(view, pull);
  return {
    id: review.id,
    node_id: nodeId("PullRequestReview", `${pull.repo.index}/${pull.number}/${review.id}`),
    user: nullableUser(view.urls, review.author),
    body: review.body,
    state: review.state,
    html_url: `${html_url}#pullrequestreview-${review.id}`,
    pull_request_url: url,
    _links: { html: { href: `${html_url}#pullrequestreview-${review.id}` }, pull_request: { href: url } },
    submitted_at: iso(review.submittedAt),
    commit_id: review.commitSha,
    author_association: authorAssociation(view, review.author),
  };
}

export function pullRequestReviewComment(view: RestView, pull: PullRequest, comment: ReviewComment): Schema<"pull-request-review-comment"> {
  const { html_url, url, fullName } = pullUrls(view, pull);
  const self = `${view.urls.api}/repos/${fullName}/pulls/comments/${comment.id}`;
  return {
    url: self,
    pull_request_review_id: comment.reviewId,
    id: comment.id,
    node_id: nodeId("PullRequestReviewComment", `${pull.repo.index}/${pull.number}/${comment.id}`),
    diff_hunk: `@@ -${comment.line},3 +${comment.line},4 @@`,
    path: comment.path,
    position: comment.line,
    original_position: comment.line,
    commit_id: comment.commitSha,
    original_commit_id: comment.commitSha,
    ...(comment.inReplyTo !== null && { in_reply_to_id: comment.inReplyTo }),
    user: simpleUserOrGhost(view, comment.author),
    body: comment.body,
    created_at: iso(comment.createdAt),
    updated_at: iso(comment.updatedAt),
    html_url: `${html_url}#discussion_r${comment.id}`,
    pull_request_url: url,
    author_association: authorAssociation(view, comment.author),
    _links: { self: { href: self }, html: { href: `${html_url}#discussion_r${comment.id}` }, pull_request: { href: url } },
    start_line: null,
    original_start_line: null,
    start_side: null,
    line: comment.line,
    original_line: comment.line,
    side: "RIGHT",
    subject_type: "line",
  };
}

/** Where the schema does not allow null, GitHub shows a deleted account as the "ghost" user. */
export function simpleUserOrGhost(view: RestView, person: Person | null): Schema<"simple-user"> {
  return simpleUser(view.urls, person ?? GHOST);
}

export const GHOST: Person = { id: 10137, login: "ghost", name: "Deleted user", email: "", kind: "User", createdAt: 0 };
