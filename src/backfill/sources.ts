import type { Service } from "../storage/models/import-status.js";
import type { AdaptivePageSize } from "./adaptive-page-size.js";
import { commitSource } from "./commits.js";
import type { InstallationOctokit, RepositoryTarget } from "./github-access.js";
import type { NewestFirstSource } from "./newest-first-sync.js";
import { pullRequestSource } from "./pull-requests.js";
import { ticketSource } from "./tickets.js";

export interface PullRequestPaging {
  pageSizeFor: (repositoryId: number) => AdaptivePageSize;
  queryTimeoutMs?: number;
}

/** Where each service's records come from: a list GitHub serves newest first. */
export function serviceSource(service: Service, octokit: InstallationOctokit, repo: RepositoryTarget, paging: PullRequestPaging): NewestFirstSource<unknown> {
  switch (service) {
    case "repos":
      return commitSource(octokit, repo) as NewestFirstSource<unknown>;
    case "pullRequests":
      return pullRequestSource(octokit, repo, paging.pageSizeFor(repo.githubId), paging.queryTimeoutMs) as NewestFirstSource<unknown>;
    case "tickets":
      return ticketSource(octokit, repo, undefined, paging.queryTimeoutMs) as NewestFirstSource<unknown>;
  }
}
