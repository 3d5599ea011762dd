import type { Logger } from "pino";
import type { Probot } from "probot";
import { meterSpend, type BudgetSpend } from "../github/budget-spend.js";
import type { RateBudget } from "../github/rate-budget.js";
import { JobCancelled, RetryLater, type JobHandler } from "../jobs/worker.js";
import { enqueueJob } from "../storage/jobs.js";
import { addSpend, markFailed, markStopped } from "../storage/import-statuses.js";
import { decideIngestion } from "../storage/ingestion-scope.js";
import { findIntegration } from "../storage/integrations.js";
import type { Job } from "../storage/models/job.js";
import { findRepository } from "../storage/repositories.js";
import { AdaptivePageSize } from "./adaptive-page-size.js";
import { commitSource } from "./commits.js";
import { BACKFILL_JOB, FORCE_PUSH_JOB, MEMBERS_JOB, backfillJobKey, type BackfillPayload, type ForcePushPayload } from "./control.js";
import { markForcePushedCommits } from "./force-push.js";
import { installationOctokit, repositoryTarget, type InstallationOctokit, type RepositoryTarget } from "./github-access.js";
import { syncMembers } from "./members.js";
import { probeForChanges } from "./change-probe.js";
import { syncNewestFirst, type ChangeProbe } from "./newest-first-sync.js";
import { pullRequestSource } from "./pull-requests.js";
import { ticketSource } from "./tickets.js";

export interface BackfillDependencies {
  probot: Probot;
  budget: RateBudget;
  log: Logger;
  /** Client-side limit for one pull request page (default: a little over GitHub's own 10 s). */
  queryTimeoutMs?: number;
}

/** Older history waits behind every repository's recent 90 days. */
const HISTORY_PRIORITY = 1;

interface PullRequestPaging {
  pageSizeFor: (repositoryId: number) => AdaptivePageSize;
  queryTimeoutMs?: number;
}

function syncService(
  service: BackfillPayload["service"],
  octokit: InstallationOctokit,
  repo: RepositoryTarget,
  paging: PullRequestPaging,
  throwIfStopped: () => Promise<void>,
) {
  const probe: ChangeProbe = (etag) => probeForChanges(octokit, repo, service, etag);
  switch (service) {
    case "repos":
      return syncNewestFirst(repo.githubId, commitSource(octokit, repo), probe, throwIfStopped);
    case "pullRequests":
      return syncNewestFirst(repo.githubId, pullRequestSource(octokit, repo, paging.pageSizeFor(repo.githubId), paging.queryTimeoutMs), probe, throwIfStopped);
    case "tickets":
      return syncNewestFirst(repo.githubId, ticketSource(octokit, repo, undefined, paging.queryTimeoutMs), probe, throwIfStopped);
  }
}

async function cancellation(installationId: number, repositoryId: number, service: BackfillPayload["service"]) {
  const decision = await decideIngestion(installationId, repositoryId, service);
  return decision.ingest ? null : new JobCancelled(decision.reason);
}

/** Adds what a run spent to its import status; a count that cannot be written is logged, never fails the run. */
async function recordSpend(log: Logger, repositoryId: number, service: BackfillPayload["service"], spend: BudgetSpend): Promise<void> {
  await addSpend(repositoryId, service, spend).catch((error: unknown) => log.warn({ err: error, repositoryId, service }, "could not record what a sync spent of GitHub's budget"));
}

async function backfillRepository(
  { probot, budget, queryTimeoutMs, log }: BackfillDependencies,
  pageSizeFor: PullRequestPaging["pageSizeFor"],
  job: Job,
  signal: AbortSignal,
): Promise<void> {
  const payload = job.payload as BackfillPayload;
  const { repositoryId, service } = payload;
  // Checked before every page: switching a service off, suspending or uninstalling stops the import cleanly.
  const throwIfStopped = async () => {
    signal.throwIfAborted();
    const stopped = await cancellation(job.installationId, repositoryId, service);
    if (stopped) throw stopped;
  };
  try {
    await throwIfStopped();
    const repository = await findRepository(repositoryId);
    if (!repository) throw new JobCancelled("repository unknown");
    const octokit = await installationOctokit(probot, job.installationId, budget);
    const spend = meterSpend(octokit);
    const outcome = await syncService(service, octokit, repositoryTarget(repository), { pageSizeFor, queryTimeoutMs }, throwIfStopped).finally(() =>
      recordSpend(log, repositoryId, service, spend),
    );
    if (outcome === "continue-later") {
      await enqueueJob({ name: BACKFILL_JOB, key: backfillJobKey(payload), installationId: job.installationId, payload, priority: HISTORY_PRIORITY });
    }
  } catch (error) {
    if (signal.aborted || error instanceof RetryLater) throw error;
    // A failure caused by the integration going away (suspended mid-page: GitHub answers 403) is a stop, not a failure.
    const stopped = error instanceof JobCancelled ? error : await cancellation(job.installationId, repositoryId, service);
    if (stopped) {
      await markStopped(job.installationId, service, [repositoryId]);
      throw stopped;
    }
    await markFailed(repositoryId, service, (error as Error).message);
    throw error;
  }
}

async function syncOrganizationMembers({ probot, budget }: BackfillDependencies, job: Job): Promise<void> {
  const integration = await findIntegration(job.installationId);
  if (integration?.status !== "active") throw new JobCancelled("integration not active");
  // Users have no members to read.
  if (integration.account.type !== "Organization") return;
  const octokit = await installationOctokit(probot, job.installationId, budget);
  await syncMembers(octokit, job.installationId, integration.account.login);
}

async function cleanUpForcePush({ probot, budget, log }: BackfillDependencies, job: Job): Promise<void> {
  const push = job.payload as ForcePushPayload;
  const stopped = await cancellation(job.installationId, push.repositoryId, "repos");
  if (stopped) throw stopped;
  const repository = await findRepository(push.repositoryId);
  if (!repository) throw new JobCancelled("repository unknown");
  const octokit = await installationOctokit(probot, job.installationId, budget);
  const spend = meterSpend(octokit);
  await markForcePushedCommits(octokit, repositoryTarget(repository), push).finally(() => recordSpend(log, push.repositoryId, "repos", spend));
}

export function backfillJobHandlers(dependencies: BackfillDependencies): Record<string, JobHandler> {
  // What a repository taught about its pull request page size outlives the job (its older history is a later job).
  const pageSizes = new Map<number, AdaptivePageSize>();
  const pageSizeFor = (repositoryId: number) => {
    if (!pageSizes.has(repositoryId)) pageSizes.set(repositoryId, new AdaptivePageSize());
    return pageSizes.get(repositoryId)!;
  };
  return {
    [BACKFILL_JOB]: (job, signal) => backfillRepository(dependencies, pageSizeFor, job, signal),
    [MEMBERS_JOB]: (job) => syncOrganizationMembers(dependencies, job),
    [FORCE_PUSH_JOB]: (job) => cleanUpForcePush(dependencies, job),
  };
}
