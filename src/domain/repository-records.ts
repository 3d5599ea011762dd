import type { Context } from "probot";
import type { RepositoryMetadata } from "../storage/repositories.js";
import { optionalTime } from "./github-values.js";
import { required } from "./required-fields.js";

type WebhookRepository = Context<"repository">["payload"]["repository"];

/** `private` is authoritative for public/private (older payloads lag in `visibility` or omit it); only "internal" needs `visibility`. */
function visibilityOf(repository: WebhookRepository): RepositoryMetadata["visibility"] {
  if (!repository.private) return "public";
  return repository.visibility === "internal" ? "internal" : "private";
}

/**
 * The "repos" service's metadata of a repository as `repository` events describe it. Its id is not part of the
 * metadata but names the record it is stored under, so it is required all the same.
 */
export function repositoryMetadata(repository: WebhookRepository): RepositoryMetadata {
  required(repository, "repository", "object");
  required(repository.id, "repository.id", "integer");
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
