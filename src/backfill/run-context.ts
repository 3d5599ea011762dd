import type { Logger } from "pino";
import type { Probot } from "probot";
import type { BudgetSpend } from "../github/budget-spend.js";
import type { RateBudget } from "../github/rate-budget.js";
import { JobCancelled } from "../jobs/worker.js";
import { addSpend } from "../storage/import-statuses.js";
import { decideIngestion } from "../storage/ingestion-scope.js";
import type { Service } from "../storage/models/import-status.js";

/** What every backfill job needs: the app (for installation tokens), the shared rate budget, a log. */
export interface BackfillDependencies {
  probot: Probot;
  budget: RateBudget;
  log: Logger;
  /** Client-side limit for one pull request page (default: a little over GitHub's own 10 s). */
  queryTimeoutMs?: number;
}

export async function cancellation(installationId: number, repositoryId: number, service: Service) {
  const decision = await decideIngestion(installationId, repositoryId, service);
  return decision.ingest ? null : new JobCancelled(decision.reason);
}

/** Adds what a run spent to its import status; a count that cannot be written is logged, never fails the run. */
export async function recordSpend(log: Logger, repositoryId: number, service: Service, spend: BudgetSpend): Promise<void> {
  await addSpend(repositoryId, service, spend).catch((error: unknown) => log.warn({ err: error, repositoryId, service }, "could not record what a sync spent of GitHub's budget"));
}

/** Checked before every page: switching a service off, suspending or uninstalling stops an import cleanly. */
export function stopCheck(signal: AbortSignal, installationId: number, repositoryId: number, service: Service): () => Promise<void> {
  return async () => {
    signal.throwIfAborted();
    const stopped = await cancellation(installationId, repositoryId, service);
    if (stopped) throw stopped;
  };
}
