import { ProbotOctokit } from "probot";
import type { GitHubServer } from "../tools/github-server/index.js";
import { forEachConcurrently } from "./concurrency.js";

export interface NaiveOptions {
  github: GitHubServer;
  privateKey: string;
  concurrency: number;
  /** Tests pass a node:http fetch (nock's fetch passthrough breaks request bodies). */
  fetch?: typeof globalThis.fetch;
}

/** Items the baseline read, as denominators for its requests per 1,000. */
export interface NaiveItems {
  pullRequests: number;
  tickets: number;
  commits: number;
}

/**
 * What most tools do over REST, as the baseline: list pull requests, then per pull request its detail (line
 * counts), reviews and commits; list issues (the list carries everything stored); list default-branch commits,
 * then each commit for its line counts. Same data Tributary stores, one request per item and list page.
 */
export async function runNaiveBaseline({ github, privateKey, concurrency, fetch }: NaiveOptions): Promise<NaiveItems> {
  const octokit = new ProbotOctokit({
    baseUrl: github.apiUrl,
    auth: { appId: github.context.options.app.id, privateKey, installationId: github.installation()!.id },
    request: fetch ? { fetch } : {},
    retry: { enabled: false },
    throttle: { enabled: false },
  });
  const items: NaiveItems = { pullRequests: 0, tickets: 0, commits: 0 };
  const repositories = await octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, { per_page: 100 });
  for (const { owner: { login: owner }, name: repo } of repositories) {
    const pulls = await octokit.paginate(octokit.rest.pulls.list, { owner, repo, state: "all", per_page: 100 });
    await forEachConcurrently(pulls, concurrency, async ({ number: pull_number }) => {
      await octokit.rest.pulls.get({ owner, repo, pull_number });
      await octokit.paginate(octokit.rest.pulls.listReviews, { owner, repo, pull_number, per_page: 100 });
      await octokit.paginate(octokit.rest.pulls.listCommits, { owner, repo, pull_number, per_page: 100 });
    });
    // The issues list includes pull requests; a naive tool drops them after reading them.
    const issues = await octokit.paginate(octokit.rest.issues.listForRepo, { owner, repo, state: "all", per_page: 100 });
    const commits = await octokit.paginate(octokit.rest.repos.listCommits, { owner, repo, per_page: 100 });
    await forEachConcurrently(commits, concurrency, async ({ sha: ref }) => {
      await octokit.rest.repos.getCommit({ owner, repo, ref });
    });
    items.pullRequests += pulls.length;
    items.tickets += issues.filter((issue) => !issue.pull_request).length;
    items.commits += commits.length;
  }
  return items;
}
