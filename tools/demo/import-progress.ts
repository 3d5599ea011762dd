import { setTimeout as sleep } from "node:timers/promises";
import { importTotals, type ProgressFields } from "../../src/domain/import-progress.js";
import { listImportProgress } from "../../src/storage/import-statuses.js";
import { SERVICES, type Service } from "../../src/storage/models/import-status.js";
import { JobModel } from "../../src/storage/models/job.js";

/** One service's backfill across an installation's repositories, as the app records it (ImportStatus). */
export interface ServiceProgress {
  service: Service;
  /** Items stored so far. */
  processed: number;
  /** Items GitHub reported (a finished repository counts what it stored); grows while repositories start. */
  total: number;
  repositories: number;
  finishedRepositories: number;
  failedRepositories: number;
}

const FINISHED_STATES = new Set(["done", "failed", "stopped"]);

function summarize(service: Service, statuses: ProgressFields[]): ServiceProgress {
  const mine = statuses.filter((status) => status.service === service);
  return {
    service,
    ...importTotals(mine),
    repositories: mine.length,
    finishedRepositories: mine.filter((status) => FINISHED_STATES.has(status.state)).length,
    failedRepositories: mine.filter((status) => status.state === "failed").length,
  };
}

export async function readImportProgress(installationId: number): Promise<ServiceProgress[]> {
  const statuses = await listImportProgress(installationId);
  return SERVICES.map((service) => summarize(service, statuses));
}

/** Finished: every repository's import ended and no job (older history, members) is waiting or running. */
async function finished(installationId: number, progress: ServiceProgress[]): Promise<boolean> {
  const started = progress.some((service) => service.repositories > 0);
  const allEnded = progress.every((service) => service.finishedRepositories === service.repositories);
  if (!started || !allEnded) return false;
  return (await JobModel.countDocuments({ installationId, state: { $in: ["queued", "running"] } })) === 0;
}

/** Polls the app's import statuses until the backfill is over, reporting each reading. */
export async function waitForBackfill(
  installationId: number,
  options: { pollMs?: number; timeoutMs?: number; onProgress?: (progress: ServiceProgress[]) => void } = {},
): Promise<ServiceProgress[]> {
  const deadline = Date.now() + (options.timeoutMs ?? 3_600_000);
  for (;;) {
    const progress = await readImportProgress(installationId);
    options.onProgress?.(progress);
    if (await finished(installationId, progress)) return progress;
    if (Date.now() > deadline) throw new Error("The backfill did not finish in time");
    await sleep(options.pollMs ?? 500);
  }
}
