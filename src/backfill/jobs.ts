import { meterSpend } from "../github/budget-spend.js";
import { JobCancelled, RetryLater, type JobHandler } from "../jobs/worker.js";
import { enqueueJob } from "../storage/jobs.js";
import { markFailed, markStopped } from "../storage/import-statuses.js";
import { findIntegration } from "../storage/integrations.js";
import type { Job } from "../storage/models/job.js";
import { findRepository } from "../storage/repositories.js";
import { AdaptivePageSize } from "./adaptive-page-size.js";
import { BACKFILL_JOB, FIRST_PAGES_JOB, FORCE_PUSH_JOB, MEMBERS_JOB, backfillJobKey, type BackfillPayload, type ForcePushPayload } from "./control.js";
import { markForcePushedCommits } from "./force-push.js";
import { installationOctokit, repositoryTarget, type InstallationOctokit, type RepositoryTarget } from "./github-access.js";
import { readFirstPages } from "./first-pages.js";
import { syncMembers } from "./members.js";
import { probeForChanges } from "./change-probe.js";
import { syncNewestFirst, type ChangeProbe } from "./newest-first-sync.js";
import { serviceSource, type PullRequestPaging } from "./sources.js";
import { cancellation, recordSpend, stopCheck, type BackfillDependencies } from "./run-context.js";
export type { BackfillDependencies } from "./run-context.js";

/** Older history waits behind every repository's recent 90 days. */
const HISTORY_PRIORITY = 1;

function syncService(
  service: BackfillPayload["service"],
  octokit: InstallationOctokit,
  repo: RepositoryTarget,
  paging: PullRequestPaging,
  throwIfStopped: () => Promise<void>,
) {
  const probe: ChangeProbe = (etag) => probeForChanges(octokit, repo, service, etag);
  return syncNewestFirst(repo.githubId, serviceSource(service, octokit, repo, paging), probe, throwIfStopped);
}

async function backfillRepository(
  { probot, budget, queryTimeoutMs, log }: BackfillDependencies,
  pageSizeFor: PullRequestPaging["pageSizeFor"],
  job: Job,
  signal: AbortSignal,
): Promise<void> {
  const payload = job.payload as BackfillPayload;
  const { repositoryId, service } = payload;
  const throwIfStopped = stopCheck(signal, job.installationId, repositoryId, service);
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
    [FIRST_PAGES_JOB]: (job, signal) => readFirstPages(dependencies, { pageSizeFor, queryTimeoutMs: dependencies.queryTimeoutMs }, job, signal),
  };
}
