import { SERVICES, type Service } from "../storage/models/import-status.js";
import { findIntegration, setService } from "../storage/integrations.js";
import { cancelQueuedJobs, enqueueJob, enqueueJobs } from "../storage/jobs.js";
import { markPending, markStopped } from "../storage/import-statuses.js";
import { listRepositories } from "../storage/repositories.js";

export const BACKFILL_JOB = "backfill";
export const MEMBERS_JOB = "sync-members";
export const FORCE_PUSH_JOB = "force-push";

export type BackfillPayload = { repositoryId: number; service: Service };

export const backfillJobKey = ({ repositoryId, service }: BackfillPayload) => `${BACKFILL_JOB}:${service}:${repositoryId}`;

/**
 * Queues an (incremental) backfill of the integration's granted repositories for its enabled services.
 * Called when an installation is created, repositories are added, a service is switched on, or a person asks.
 * Returns how many repository imports were queued.
 */
export async function requestBackfill(
  installationId: number,
  options: { services?: Service[]; repositoryIds?: number[] } = {},
): Promise<number> {
  const integration = await findIntegration(installationId);
  if (!integration || integration.status !== "active") return 0;
  const services = (options.services ?? [...SERVICES]).filter((service) => integration.services[service]);
  const granted = await listRepositories(installationId, { granted: true });
  const repositoryIds = granted.map((repo) => repo.githubId).filter((id) => !options.repositoryIds || options.repositoryIds.includes(id));
  for (const service of services) await markPending(installationId, repositoryIds, service);
  const jobs = services.flatMap((service) =>
    repositoryIds.map((repositoryId) => ({ name: BACKFILL_JOB, key: backfillJobKey({ repositoryId, service }), installationId, payload: { repositoryId, service } })),
  );
  await enqueueJobs(jobs);
  // Members belong to the whole integration, not to a service: re-read them with every full sync.
  if (!options.services) await enqueueJob({ name: MEMBERS_JOB, key: `${MEMBERS_JOB}:${installationId}`, installationId, priority: 1 });
  return jobs.length;
}

/** Stops a service's imports: queued work is dropped, running work stops at its next page. */
export async function stopService(installationId: number, service: Service, repositoryIds?: number[]): Promise<void> {
  if (repositoryIds) {
    for (const repositoryId of repositoryIds) await cancelQueuedJobs({ name: BACKFILL_JOB, installationId, payload: { repositoryId, service } });
  } else {
    await cancelQueuedJobs({ name: BACKFILL_JOB, installationId, payload: { service } });
  }
  await markStopped(installationId, service, repositoryIds);
}

/** Switches a service on (its backfill starts at once) or off (its imports stop; stored data is kept). */
export async function switchService(installationId: number, service: Service, enabled: boolean): Promise<void> {
  await setService(installationId, service, enabled);
  if (enabled) await requestBackfill(installationId, { services: [service] });
  else await stopService(installationId, service);
}

export type ForcePushPayload = { repositoryId: number; before: string; after: string };

/** Queues marking the commits a force-push dropped from the default branch. */
export async function requestForcePushCleanup(installationId: number, push: ForcePushPayload): Promise<void> {
  await enqueueJob({ name: FORCE_PUSH_JOB, key: `${FORCE_PUSH_JOB}:${push.repositoryId}:${push.after}`, installationId, payload: push });
}
