import type { Service } from "../storage/models/import-status.js";
import type { InstallationOctokit, RepositoryTarget } from "./github-access.js";

export type ProbeResult = { changed: boolean; etag: string | null };

/**
 * Whether anything a service reads changed since the last sync, asked the cheapest way GitHub offers: a conditional
 * request for the most recently updated item. While nothing changed GitHub answers 304, which costs no rate limit,
 * so the hourly re-poll of a quiet repository is free. Issues and pull requests share GitHub's issues list.
 */
export async function probeForChanges(
  octokit: InstallationOctokit,
  repo: RepositoryTarget,
  service: Service,
  etag: string | null,
): Promise<ProbeResult> {
  const headers = etag ? { "if-none-match": etag } : {};
  try {
    const response =
      service === "repos"
        ? await octokit.rest.repos.listCommits({ owner: repo.owner, repo: repo.name, per_page: 1, headers })
        : await octokit.rest.issues.listForRepo({ owner: repo.owner, repo: repo.name, state: "all", sort: "updated", direction: "desc", per_page: 1, headers });
    return { changed: true, etag: response.headers.etag ?? null };
  } catch (error) {
    if ((error as { status?: number }).status === 304) return { changed: false, etag };
    throw error;
  }
}
