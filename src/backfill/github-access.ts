import type { Probot, ProbotOctokit } from "probot";
import { isGraphqlRateLimited, rateResourceOf, type RateBudget } from "../github/rate-budget.js";

export type InstallationOctokit = InstanceType<typeof ProbotOctokit>;

/** The repository a sync job works on, as GraphQL addresses it. */
export interface RepositoryTarget {
  githubId: number;
  installationId: number;
  owner: string;
  name: string;
}

export function repositoryTarget(repo: { githubId: number; installationId: number; fullName: string }): RepositoryTarget {
  const [owner = "", name = ""] = repo.fullName.split("/");
  return { githubId: repo.githubId, installationId: repo.installationId, owner, name };
}

/**
 * An installation's Octokit whose requests report to, and wait on, that installation's rate budget.
 * Installation tokens are minted and cached by Probot; nothing here outlives the job.
 */
export async function installationOctokit(probot: Probot, installationId: number, budget: RateBudget): Promise<InstallationOctokit> {
  const octokit = await probot.auth(installationId);
  // A GraphQL request carries its query in `query`: the budget learns what each operation costs.
  const queryOf = (options: object) => (options as { query?: unknown }).query;
  octokit.hook.before("request", (options) => budget.beforeRequest(installationId, rateResourceOf(options.url), queryOf(options)));
  octokit.hook.after("request", (response, options) => {
    budget.record(installationId, response.headers, queryOf(options), response.data);
    if (rateResourceOf(options.url) === "graphql" && isGraphqlRateLimited(response.data)) throw budget.refused(installationId, "graphql");
  });
  octokit.hook.error("request", (error) => {
    const headers = (error as { response?: { headers?: Record<string, string> } }).response?.headers;
    if (headers) budget.record(installationId, headers);
    throw error;
  });
  return octokit;
}

/** Whether an error means GitHub (or the client) gave up on a query that took too long. */
export function isQueryTimeout(error: unknown): boolean {
  const status = (error as { status?: number }).status;
  if (status === 502 || status === 504) return true;
  const text = `${(error as Error).name} ${(error as Error).message} ${String((error as { cause?: unknown }).cause)}`;
  return /timeout|timed out|aborted/i.test(text);
}
