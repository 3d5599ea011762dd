import { nodeId } from "../org/ids.js";
import type { IssueType } from "../org/generate.js";
import type { Comment, Issue, PullRequest } from "../org/model.js";
import { MILESTONES } from "../org/names.js";
import { authorAssociation, label, type RestView } from "./pulls.js";
import type { Schema } from "./schemas.js";
import { nullableUser, organizationAsOwner, simpleUser } from "./users.js";
import { iso, isoOrNull } from "./urls.js";

function milestone(view: RestView, fullName: string, title: string): Schema<"nullable-milestone"> {
  const number = MILESTONES.indexOf(title as (typeof MILESTONES)[number]) + 1;
  const api = `${view.urls.api}/repos/${fullName}/milestones/${number}`;
  const org = view.generated.org;
  return {
    url: api,
    html_url: `${view.urls.web}/${fullName}/milestone/${number}`,
    labels_url: `${api}/labels`,
    id: org.id * 100 + number,
    node_id: nodeId("Issue", `milestone-${fullName}-${number}`),
    number,
    state: "open",
    title,
    description: null,
    creator: organizationAsOwner(view.urls, org),
    open_issues: 0,
    closed_issues: 0,
    created_at: iso(org.createdAt),
    updated_at: iso(org.createdAt),
    closed_at: null,
    due_on: null,
  };
}

/** An issue, or a pull request in its issue form (REST lists PRs among issues, marked by `pull_request`). */
export function issue(view: RestView, item: Issue | PullRequest): Schema<"issue"> {
  const fullName = `${view.generated.org.login}/${item.repo.name}`;
  const api = `${view.urls.api}/repos/${fullName}`;
  const isPull = item.kind === "pull";
  const html = `${view.urls.web}/${fullName}/${isPull ? "pull" : "issues"}/${item.number}`;
  const url = `${api}/issues/${item.number}`;
  return {
    id: isPull ? item.issueId : item.id,
    node_id: isPull ? nodeId("PullRequest", `${item.repo.index}/${item.number}`) : nodeId("Issue", `${item.repo.index}/${item.number}`),
    url,
    repository_url: api,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    timeline_url: `${url}/timeline`,
    html_url: html,
    number: item.number,
    state: item.closedAt === null ? "open" : "closed",
    state_reason: isPull ? null : item.stateReason,
    title: item.title,
    body: item.body,
    user: nullableUser(view.urls, item.author),
    labels: item.labels.map((name) => label(view, fullName, name)),
    assignee: item.assignees[0] ? simpleUser(view.urls, item.assignees[0]) : null,
    assignees: item.assignees.map((person) => simpleUser(view.urls, person)),
    milestone: !isPull && item.milestone ? milestone(view, fullName, item.milestone) : null,
    locked: false,
    active_lock_reason: null,
    comments: isPull ? item.shape.comments : item.commentCount,
    ...(isPull && {
      pull_request: {
        url: `${api}/pulls/${item.number}`,
        html_url: html,
        diff_url: `${html}.diff`,
        patch_url: `${html}.patch`,
        merged_at: isoOrNull(item.mergedAt),
      },
      draft: item.draft,
    }),
    closed_at: isoOrNull(item.closedAt),
    created_at: iso(item.createdAt),
    updated_at: iso(item.updatedAt),
    author_association: authorAssociation(view, item.author),
    type: isPull ? null : issueType(view, view.generated.issueType(item)),
  };
}

/** GitHub's issue types are the organization's; pull requests have none. */
function issueType(view: RestView, type: IssueType | null): Schema<"issue-type"> {
  if (!type) return null;
  const at = iso(view.generated.org.createdAt);
  return { id: type.id, node_id: nodeId("IssueType", type.id), name: type.name, description: type.description, color: type.color, created_at: at, updated_at: at, is_enabled: true };
}

export function issueComment(view: RestView, item: Issue | PullRequest, comment: Comment): Schema<"issue-comment"> {
  const fullName = `${view.generated.org.login}/${item.repo.name}`;
  const api = `${view.urls.api}/repos/${fullName}`;
  const html = `${view.urls.web}/${fullName}/${item.kind === "pull" ? "pull" : "issues"}/${item.number}`;
  return {
    id: comment.id,
    node_id: nodeId("IssueComment", `${item.repo.index}/${item.number}/${comment.id}`),
    url: `${api}/issues/comments/${comment.id}`,
    html_url: `${html}#issuecomment-${comment.id}`,
    body: comment.body,
    user: nullableUser(view.urls, comment.author),
    created_at: iso(comment.createdAt),
    updated_at: iso(comment.updatedAt),
    issue_url: `${api}/issues/${item.number}`,
    author_association: authorAssociation(view, comment.author),
  };
}
