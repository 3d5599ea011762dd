import type {
  Commit as WebhookCommit,
  Installation as WebhookInstallation,
  Issue as WebhookIssue,
  IssueComment as WebhookIssueComment,
  Organization as WebhookOrganization,
  PullRequest as WebhookPullRequest,
  PullRequestReview as WebhookReview,
  Repository as WebhookRepository,
  SimplePullRequest as WebhookSimplePullRequest,
  User as WebhookUser,
} from "@octokit/webhooks-types";
import type { ServerContext } from "../context.js";
import type { Installation } from "../installation.js";
import type { Comment, Commit, Issue, Person, PullRequest, Repo, Review } from "../org/model.js";
import { installation as restInstallation } from "../rest/apps.js";
import { issue as restIssue, issueComment as restIssueComment } from "../rest/issues.js";
import { GHOST, pullRequest as restPullRequest, pullRequestReview as restReview } from "../rest/pulls.js";
import { repository as restRepository } from "../rest/repositories.js";
import { organizationAsOwner, organizationSimple, simpleUser } from "../rest/users.js";
import { iso } from "../rest/urls.js";
import { hexOf } from "../random.js";

/**
 * Webhook bodies as GitHub sends them. Webhook objects are close to, but not the same as, their REST versions
 * (no `user_view_type`, `reactions` on issues, lower-case review states), so each is picked field by field.
 */

type RestUser = ReturnType<typeof simpleUser>;

function user(rest: RestUser): WebhookUser {
  const { login, id, node_id, avatar_url, gravatar_id, url, html_url, followers_url, following_url, gists_url, starred_url, subscriptions_url, organizations_url, repos_url, events_url, received_events_url, type, site_admin } = rest;
  return {
    login, id: Number(id), node_id, avatar_url, gravatar_id: gravatar_id ?? "", url, html_url, followers_url, following_url, gists_url, starred_url,
    subscriptions_url, organizations_url, repos_url, events_url, received_events_url, type: type as WebhookUser["type"], site_admin,
  };
}

export const personUser = (context: ServerContext, person: Person | null): WebhookUser => user(simpleUser(context.urls, person ?? GHOST));

export function organization(context: ServerContext): WebhookOrganization {
  const { login, id, node_id, url, repos_url, events_url, hooks_url, issues_url, members_url, public_members_url, avatar_url, description } = organizationSimple(context.urls, context.generated.org);
  return { login, id: Number(id), node_id, url, html_url: `${context.urls.web}/${login}`, repos_url, events_url, hooks_url, issues_url, members_url, public_members_url, avatar_url, description };
}

/** Push events carry repository timestamps as epoch seconds; every other event as ISO strings. */
export function repository(context: ServerContext, repo: Repo, timestamps: "iso" | "epoch" = "iso"): WebhookRepository {
  const { permissions: _permissions, owner: _owner, template_repository: _template, temp_clone_token: _temp, starred_at: _starred, code_search_index_status: _status, allow_merge_commit: _merge, ...rest } =
    restRepository(context.urls, context.generated, repo) as ReturnType<typeof restRepository> & Record<string, unknown>;
  const at = (ms: number) => (timestamps === "epoch" ? Math.floor(ms / 1000) : iso(ms));
  return {
    ...(rest as unknown as WebhookRepository),
    id: repo.id,
    owner: user(organizationAsOwner(context.urls, context.generated.org)),
    created_at: at(repo.createdAt),
    updated_at: iso(repo.updatedAt),
    pushed_at: at(repo.pushedAt),
    license: null,
    visibility: repo.isPrivate ? "private" : "public",
    topics: repo.topics,
    is_template: false,
    web_commit_signoff_required: false,
    custom_properties: {},
  };
}

export function installation(context: ServerContext, record: Installation): WebhookInstallation {
  const rest = restInstallation(context, context.options.app, record);
  return {
    id: record.id,
    account: user(rest.account as RestUser),
    repository_selection: record.repositorySelection,
    access_tokens_url: rest.access_tokens_url,
    repositories_url: rest.repositories_url,
    html_url: rest.html_url,
    app_id: context.options.app.id,
    app_slug: context.options.app.slug,
    target_id: context.generated.org.id,
    target_type: "Organization",
    permissions: record.permissions as WebhookInstallation["permissions"],
    events: record.events as WebhookInstallation["events"],
    created_at: iso(record.createdAt),
    updated_at: iso(record.updatedAt),
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_at: record.suspendedAt === null ? null : iso(record.suspendedAt),
    suspended_by: record.suspendedBy ? personUser(context, record.suspendedBy) : null,
  };
}

export function installationLite(record: Installation) {
  return { id: record.id, node_id: Buffer.from(`Installation${record.id}`).toString("base64") };
}

export function simplePullRequest(context: ServerContext, pull: PullRequest): WebhookSimplePullRequest {
  const full = pullRequest(context, pull);
  const { merged: _a, mergeable: _b, rebaseable: _c, mergeable_state: _d, merged_by: _e, comments: _f, review_comments: _g, maintainer_can_modify: _h, commits: _i, additions: _j, deletions: _k, changed_files: _l, head, base, ...simple } = full;
  const repo = repository(context, pull.repo);
  return { ...simple, head: { ...head, repo }, base: { ...base, repo } };
}

export function pullRequest(context: ServerContext, pull: PullRequest): WebhookPullRequest {
  const rest = restPullRequest(context, pull);
  const repo = repository(context, pull.repo);
  const users = (list: Person[]) => list.map((person) => personUser(context, person));
  return {
    url: rest.url,
    id: Number(rest.id),
    node_id: rest.node_id,
    html_url: rest.html_url,
    diff_url: rest.diff_url,
    patch_url: rest.patch_url,
    issue_url: rest.issue_url,
    number: pull.number,
    state: rest.state,
    locked: false,
    title: pull.title,
    user: personUser(context, pull.author),
    body: pull.body,
    created_at: rest.created_at,
    updated_at: rest.updated_at,
    closed_at: rest.closed_at,
    merged_at: rest.merged_at,
    merge_commit_sha: rest.merge_commit_sha,
    assignee: pull.assignees[0] ? personUser(context, pull.assignees[0]) : null,
    assignees: users(pull.assignees),
    requested_reviewers: users(pull.requestedReviewers),
    requested_teams: [],
    labels: rest.labels.map(({ id, node_id, url, name, color, default: isDefault, description }) => ({ id: Number(id), node_id, url, name, color, default: isDefault, description })),
    milestone: null,
    draft: pull.draft,
    commits_url: rest.commits_url,
    review_comments_url: rest.review_comments_url,
    review_comment_url: rest.review_comment_url,
    comments_url: rest.comments_url,
    statuses_url: rest.statuses_url,
    head: { label: rest.head.label, ref: rest.head.ref, sha: rest.head.sha, user: personUser(context, pull.author), repo },
    base: { label: rest.base.label, ref: rest.base.ref, sha: rest.base.sha, user: repo.owner, repo },
    _links: rest._links,
    author_association: rest.author_association,
    auto_merge: null,
    active_lock_reason: null,
    merged: rest.merged,
    mergeable: rest.mergeable,
    rebaseable: rest.rebaseable ?? null,
    mergeable_state: rest.mergeable_state,
    merged_by: pull.mergedBy ? personUser(context, pull.mergedBy) : null,
    comments: rest.comments,
    review_comments: rest.review_comments,
    maintainer_can_modify: false,
    commits: rest.commits,
    additions: rest.additions,
    deletions: rest.deletions,
    changed_files: rest.changed_files,
  };
}

export function review(context: ServerContext, pull: PullRequest, record: Review): WebhookReview {
  const rest = restReview(context, pull, record);
  return {
    id: record.id,
    node_id: rest.node_id,
    user: personUser(context, record.author),
    body: record.body || null,
    commit_id: record.commitSha,
    submitted_at: iso(record.submittedAt),
    state: record.state.toLowerCase() as WebhookReview["state"],
    html_url: rest.html_url,
    pull_request_url: rest.pull_request_url,
    author_association: rest.author_association,
    _links: rest._links,
  };
}

const noReactions = (url: string) => ({ url: `${url}/reactions`, total_count: 0, "+1": 0, "-1": 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 });

/** The issue with the fields GitHub always sends (the schema leaves them optional). */
type FullWebhookIssue = WebhookIssue & Required<Pick<WebhookIssue, "assignee" | "state" | "locked" | "labels">>;

export function issue(context: ServerContext, record: Issue): FullWebhookIssue {
  const rest = restIssue(context, record);
  return {
    url: rest.url,
    repository_url: rest.repository_url,
    labels_url: rest.labels_url,
    comments_url: rest.comments_url,
    events_url: rest.events_url,
    html_url: rest.html_url,
    id: record.id,
    node_id: rest.node_id,
    number: record.number,
    title: record.title,
    user: personUser(context, record.author),
    labels: (rest.labels as Array<{ id: number; node_id: string; url: string; name: string; color: string; default: boolean; description: string }>).map(({ id, node_id, url, name, color, default: isDefault, description }) => ({ id, node_id, url, name, color, default: isDefault, description })),
    state: record.closedAt === null ? ("open" as const) : ("closed" as const),
    locked: false,
    assignee: record.assignees[0] ? personUser(context, record.assignees[0]) : null,
    assignees: record.assignees.map((person) => personUser(context, person)),
    milestone: null,
    comments: record.commentCount,
    created_at: rest.created_at,
    updated_at: rest.updated_at,
    closed_at: rest.closed_at,
    author_association: rest.author_association ?? "NONE",
    active_lock_reason: null,
    body: record.body,
    reactions: noReactions(rest.url),
    timeline_url: rest.timeline_url!,
    state_reason: record.stateReason,
  };
}

export function issueComment(context: ServerContext, item: Issue | PullRequest, comment: Comment): WebhookIssueComment {
  const rest = restIssueComment(context, item, comment);
  return {
    url: rest.url,
    html_url: rest.html_url,
    issue_url: rest.issue_url,
    id: comment.id,
    node_id: rest.node_id,
    user: personUser(context, comment.author),
    created_at: rest.created_at,
    updated_at: rest.updated_at,
    author_association: rest.author_association ?? "NONE",
    performed_via_github_app: null,
    body: comment.body,
    reactions: noReactions(rest.url),
  };
}

export function pushCommit(context: ServerContext, repo: Repo, commit: Commit): WebhookCommit {
  const files = context.generated.files(repo, commit);
  const gitActor = (name: string, email: string, person: Person | null) => ({ name, email, ...(person && { username: person.login }) });
  return {
    id: commit.sha,
    tree_id: hexOf(40, "tree", commit.sha),
    distinct: true,
    message: commit.message,
    timestamp: iso(commit.committedAt).replace("Z", "+00:00"),
    url: `${context.urls.web}/${context.generated.org.login}/${repo.name}/commit/${commit.sha}`,
    author: gitActor(commit.authorName, commit.authorEmail, commit.author),
    committer: gitActor(commit.committerName, commit.committerEmail, commit.committer),
    added: files.filter((f) => f.status === "added").map((f) => f.filename),
    removed: files.filter((f) => f.status === "removed").map((f) => f.filename),
    modified: files.filter((f) => f.status === "modified").map((f) => f.filename),
  };
}
