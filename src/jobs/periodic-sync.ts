import type { Probot } from "probot";
import { reportDatabaseError } from "../db/health.js";
import { requestBackfill } from "../backfill/control.js";
import { reconcile } from "../reconcile/reconcile.js";
import { pruneDeliveries } from "../storage/deliveries.js";
import { listIntegrations } from "../storage/integrations.js";
import { pruneFinishedJobs } from "../storage/jobs.js";

/**
 * The safety net under webhooks: reconcile installations with GitHub, then queue an incremental sync of every
 * active integration (each reads only what changed since its last sync). Also forgets deliveries and finished jobs
 * past their retention.
 */
export async function syncEverything(probot: Probot): Promise<void> {
  await pruneDeliveries();
  await pruneFinishedJobs();
  await reconcile(probot);
  // An import running now (the installation's first, say) covers what this pass would read: it is not run again.
  for (const integration of await listIntegrations({ status: "active" })) {
    await requestBackfill(integration.installationId, { whileRunning: "leave" });
  }
}

/** Runs `syncEverything` now and then every `intervalMs`; returns a function that stops the schedule. */
export function schedulePeriodicSync(probot: Probot, intervalMs: number, runNow: boolean): () => void {
  const run = () =>
    syncEverything(probot).catch(
      (error: unknown) =>
        reportDatabaseError(probot.log, error, "periodic sync") || probot.log.error({ err: error }, "periodic sync failed; next attempt at the next interval"),
    );
  if (runNow) void run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
