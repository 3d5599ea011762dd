import type { GeneratedOrg } from "../org/generate.js";
import { nodeId } from "../org/ids.js";
import type { Repo } from "../org/model.js";
import type { Schema } from "./schemas.js";
import { organizationAsOwner } from "./users.js";
import { iso, type Urls } from "./urls.js";

/** The "repository" shape (installation repository lists). */
export function repository(urls: Urls, generated: GeneratedOrg, repo: Repo): Schema<"repository"> {
  const fullName = `${generated.org.login}/${repo.name}`;
  const openIssues = generated.openIssueCount(repo);
  return {
    id: repo.id,
    node_id: nodeId("Repository", repo.index),
    name: repo.name,
    full_name: fullName,
    private: repo.isPrivate,
    owner: organizationAsOwner(urls, generated.org),
    description: repo.description,
    fork: repo.isFork,
    ...urls.repo(fullName),
    homepage: null,
    language: repo.language,
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: generated.branchLength(repo) * 12,
    default_branch: repo.defaultBranch,
    open_issues_count: openIssues,
    open_issues: openIssues,
    is_template: false,
    topics: repo.topics,
    has_issues: true,
    has_projects: true,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: repo.isArchived,
    disabled: false,
    visibility: repo.isPrivate ? "private" : "public",
    pushed_at: iso(repo.pushedAt),
    created_at: iso(repo.createdAt),
    updated_at: iso(repo.updatedAt),
    mirror_url: null,
    license: null,
    permissions: { admin: false, maintain: false, push: false, triage: false, pull: true },
    allow_forking: false,
    web_commit_signoff_required: false,
  };
}

export function fullRepository(urls: Urls, generated: GeneratedOrg, repo: Repo): Schema<"full-repository"> {
  const { starred_at, code_search_index_status, ...base } = repository(urls, generated, repo);
  return {
    ...base,
    pushed_at: iso(repo.pushedAt),
    created_at: iso(repo.createdAt),
    updated_at: iso(repo.updatedAt),
    has_discussions: false,
    network_count: 0,
    subscribers_count: generated.org.members.length,
    organization: organizationAsOwner(urls, generated.org),
  };
}
