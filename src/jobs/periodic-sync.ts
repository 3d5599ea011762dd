import type { Probot } from "probot";
import { reportDatabaseError } from "../db/health.js";
import { requestBackfill } from "../backfill/control.js";
import { reconcile } from "../reconcile/reconcile.js";
import { pruneDeliveries } from "../storage/deliveries.js";
import { listIntegrations } from "../storage/integrations.js";
import { pruneFinishedJobs } from "../storage/jobs.js";
import { schedulePeriodicPass, type PassTiming, type StopPeriodicPass } from "../replicas/periodic-pass.js";

/**
 * The safety net under webhooks: reconcile installations with GitHub, then queue an incremental sync of every
 * active integration (each reads only what changed since its last sync). Also forgets deliveries and finished jobs
 * past their retention. Stops between steps once `signal` aborts (the replica is stopping; another runs the pass).
 */
export async function syncEverything(probot: Probot, signal?: AbortSignal): Promise<void> {
  await pruneDeliveries();
  await pruneFinishedJobs();
  signal?.throwIfAborted();
  await reconcile(probot);
  // An import running now (the installation's first, say) covers what this pass would read: it is not run again.
  for (const integration of await listIntegrations({ status: "active" })) {
    signal?.throwIfAborted();
    await requestBackfill(integration.installationId, { whileRunning: "leave" });
  }
}

/**
 * Runs `syncEverything` every `intervalMs` on one replica at a time (see schedulePeriodicPass), and as this replica
 * starts if `runNow`; returns the function that stops this replica's part in it.
 */
export function schedulePeriodicSync(probot: Probot, intervalMs: number, runNow: boolean, timing: PassTiming = {}): StopPeriodicPass {
  const run = (signal: AbortSignal) =>
    syncEverything(probot, signal).catch((error: unknown) => {
      if (signal.aborted) return;
      if (!reportDatabaseError(probot.log, error, "periodic sync")) probot.log.error({ err: error }, "periodic sync failed; next attempt at the next interval");
    });
  return schedulePeriodicPass({ name: "periodic-sync", intervalMs, runNow, run, log: probot.log, ...timing });
}
