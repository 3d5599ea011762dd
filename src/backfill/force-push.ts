import { markCommitsOffDefaultBranch } from "../storage/commits.js";
import type { InstallationOctokit, RepositoryTarget } from "./github-access.js";

const PAGE = 100;

/**
 * A force-push dropped commits from the default branch. GitHub's compare of the new head with the old one lists
 * exactly the commits reachable from the old head only: those are marked off the branch (kept for history).
 * Returns how many were marked.
 */
export async function markForcePushedCommits(
  octokit: InstallationOctokit,
  repo: RepositoryTarget,
  push: { before: string; after: string },
): Promise<number> {
  let marked = 0;
  for (let page = 1; ; page += 1) {
    let commits: { sha: string }[];
    const branchReadAt = new Date();
    try {
      const response = await octokit.rest.repos.compareCommitsWithBasehead({
        owner: repo.owner,
        repo: repo.name,
        basehead: `${push.after}...${push.before}`,
        per_page: PAGE,
        page,
      });
      commits = response.data.commits;
    } catch (error) {
      // The old head can be gone already (garbage-collected): nothing left to compare, the re-walk still runs.
      if ((error as { status?: number }).status === 404) return marked;
      throw error;
    }
    await markCommitsOffDefaultBranch(repo.githubId, commits.map((commit) => commit.sha), branchReadAt);
    marked += commits.length;
    if (commits.length < PAGE) return marked;
  }
}
