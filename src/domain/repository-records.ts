import type { Context } from "probot";
import type { RepositoryMetadata } from "../storage/repositories.js";
import { optionalTime } from "./github-values.js";

type WebhookRepository = Context<"repository">["payload"]["repository"];

/** `private` is authoritative for public/private (older payloads lag in `visibility` or omit it); only "internal" needs `visibility`. */
function visibilityOf(repository: WebhookRepository): RepositoryMetadata["visibility"] {
  if (!repository.private) return "public";
  return repository.visibility === "internal" ? "internal" : "private";
}

/** The "repos" service's metadata of a repository as `repository` events describe it. */
export function repositoryMetadata(repository: WebhookRepository): RepositoryMetadata {
  return {
    name: repository.name,
    fullName: repository.full_name,
    visibility: visibilityOf(repository),
    archived: repository.archived,
    defaultBranch: repository.default_branch,
    fork: repository.fork,
    language: repository.language ?? null,
    topics: repository.topics ?? [],
    createdAt: optionalTime(repository.created_at),
    pushedAt: optionalTime(repository.pushed_at),
    // GitHub always sends it, though the types allow null: without it, any dated metadata may replace this.
    updatedAt: optionalTime(repository.updated_at) ?? new Date(0),
  };
}
