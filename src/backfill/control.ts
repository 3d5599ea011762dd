import { SERVICES, type Service } from "../storage/models/import-status.js";
import { findIntegration, setService } from "../storage/integrations.js";
import {
  cancelQueuedJobs,
  enqueueJob,
  enqueueJobs,
  findJobs,
  findJobsImporting,
  findQueuedJobs,
  replaceQueuedPayload,
  type JobRequest,
  type WhileRunning,
} from "../storage/jobs.js";
import type { QueueFields } from "../domain/import-progress.js";
import { markPending, markStopped, pendingImports } from "../storage/import-statuses.js";
import { listRepositories } from "../storage/repositories.js";
import { groupCommit } from "../storage/group-commit.js";
import { FIRST_PAGES_BATCH } from "./queries.js";

export const BACKFILL_JOB = "backfill";
export const MEMBERS_JOB = "sync-members";
export const FORCE_PUSH_JOB = "force-push";
export const FIRST_PAGES_JOB = "first-pages";

export type BackfillPayload = { repositoryId: number; service: Service };

export const backfillJobKey = ({ repositoryId, service }: BackfillPayload) => `${BACKFILL_JOB}:${service}:${repositoryId}`;

const backfillJob = (installationId: number, payload: BackfillPayload) => ({ name: BACKFILL_JOB, key: backfillJobKey(payload), installationId, payload });

/** Queues these imports as a job each (the usual way: every later sync, and what a first-pages job cannot read). */
export async function queueImports(installationId: number, imports: BackfillPayload[], whileRunning?: WhileRunning): Promise<void> {
  await enqueueJobs(
    imports.map(({ repositoryId, service }) => backfillJob(installationId, { repositoryId, service })),
    whileRunning,
  );
}

export type FirstPagesPayload = { imports: { repositoryId: number; services: Service[] }[] };

/**
 * Jobs that read unread imports' first pages together (src/backfill/first-pages.ts), `FIRST_PAGES_BATCH`
 * repositories each. Repositories are grouped by their place among the installation's granted ones, and a job's key
 * names its group and services: a request repeated while the job waits updates it, and one for other services (a
 * service switched on) gets a job of its own rather than replacing what the first asked for. A running job asked
 * again runs once more after: it reads only what is still unread.
 */
function firstPagesJobs(installationId: number, grantedIds: number[], unread: BackfillPayload[], services: Service[]): JobRequest[] {
  const servicesOf = new Map<number, Service[]>();
  for (const { repositoryId, service } of unread) servicesOf.set(repositoryId, [...(servicesOf.get(repositoryId) ?? []), service]);
  const ids = grantedIds.toSorted((a, b) => a - b);
  const jobs: JobRequest[] = [];
  for (let start = 0; start < ids.length; start += FIRST_PAGES_BATCH) {
    const group = ids.slice(start, start + FIRST_PAGES_BATCH);
    const imports = group.filter((id) => servicesOf.has(id)).map((repositoryId) => ({ repositoryId, services: servicesOf.get(repositoryId)! }));
    const key = `${FIRST_PAGES_JOB}:${installationId}:${services.join(",")}:${group[0]}`;
    if (imports.length > 0) jobs.push({ name: FIRST_PAGES_JOB, key, installationId, payload: { imports } satisfies FirstPagesPayload });
  }
  return jobs;
}

/**
 * Queues an (incremental) backfill of the integration's granted repositories for its enabled services.
 * Called when an installation is created, repositories are added, a service is switched on, or a person asks.
 * Imports never read go to first-pages jobs, several repositories a query; the others get a job each. Returns how
 * many repository imports were queued.
 */
export async function requestBackfill(
  installationId: number,
  options: { services?: Service[]; repositoryIds?: number[]; whileRunning?: WhileRunning } = {},
): Promise<number> {
  const integration = await findIntegration(installationId);
  if (!integration || integration.status !== "active") return 0;
  const services = (options.services ?? [...SERVICES]).filter((service) => integration.services[service]);
  const granted = await listRepositories(installationId, { granted: true });
  const repositoryIds = granted.map((repo) => repo.githubId).filter((id) => !options.repositoryIds || options.repositoryIds.includes(id));
  for (const service of services) await markPending(installationId, repositoryIds, service);
  const pendingStatuses = await pendingImports(repositoryIds, services);
  const unread = pendingStatuses.filter((status) => status.unread);
  const batched = new Set(unread.map(backfillJobKey));
  const imports = services.flatMap((service) => repositoryIds.map((repositoryId) => ({ repositoryId, service }))).filter((item) => !batched.has(backfillJobKey(item)));
  if (options.whileRunning === "leave") {
    // A run is left be only while its import is importing: one past it (its status written done, its job not ended
    // yet) was just marked pending here, and left be it would end with that status pending and no job to finish it.
    const pending = new Set(pendingStatuses.map(backfillJobKey));
    await queueImports(installationId, imports.filter((item) => pending.has(backfillJobKey(item))), "rerun");
    await queueImports(installationId, imports.filter((item) => !pending.has(backfillJobKey(item))), "leave");
  } else {
    await queueImports(installationId, imports, options.whileRunning);
  }
  await enqueueJobs(firstPagesJobs(installationId, granted.map((repo) => repo.githubId), unread, services));
  // Members belong to the whole integration, not to a service: re-read them with every full sync.
  if (!options.services) await enqueueJob({ name: MEMBERS_JOB, key: `${MEMBERS_JOB}:${installationId}`, installationId, priority: 1 }, options.whileRunning);
  return services.length * repositoryIds.length;
}

type RefreshRequest = BackfillPayload & { installationId: number };

/**
 * A refresh waits this long for more events of its repository: a burst of pushes and pull request updates costs one
 * re-read of GitHub (budget is the scarce resource), run once the burst is over, not one per event.
 */
export const REFRESH_DELAY_MS = 5_000;

/** Marks the repositories' imports pending and queues them, one job per repository and service however often asked. */
async function queueRefreshes(requests: RefreshRequest[]): Promise<undefined[]> {
  const jobs = new Map(requests.map((request) => [backfillJobKey(request), request]));
  const byService = new Map<string, { installationId: number; service: Service; repositoryIds: number[] }>();
  for (const { installationId, service, repositoryId } of jobs.values()) {
    const group = byService.get(`${installationId}:${service}`) ?? { installationId, service, repositoryIds: [] };
    group.repositoryIds.push(repositoryId);
    byService.set(`${installationId}:${service}`, group);
  }
  for (const { installationId, repositoryIds, service } of byService.values()) await markPending(installationId, repositoryIds, service);
  const runAt = new Date(Date.now() + REFRESH_DELAY_MS);
  await enqueueJobs([...jobs.values()].map(({ installationId, ...payload }) => ({ ...backfillJob(installationId, payload), runAt })));
  return requests.map(() => undefined);
}

/**
 * Queues an incremental re-read of one repository's service, for what a webhook's payload lacks (a pull request's
 * commits, a push's line counts). The caller has checked that the service is ingesting this repository (the
 * ingestion gate; the job checks again when it runs), so nothing else is read. Requests made together are queued
 * together, and a burst of events for one repository costs one re-read.
 */
export const requestRefresh = groupCommit(queueRefreshes);

/**
 * The queue's side of these repositories' imports (see `serviceActivity`), by repository and service: an import's
 * own job while it waits or runs, or else a first-pages job that names it.
 */
export async function importJobs(repositoryIds: number[], services: Service[]): Promise<Map<number, Partial<Record<Service, QueueFields>>>> {
  const [own, firstPages] = await Promise.all([
    findJobs(repositoryIds.flatMap((repositoryId) => services.map((service) => backfillJobKey({ repositoryId, service })))),
    findJobsImporting(repositoryIds),
  ]);
  const byRepository = new Map<number, Partial<Record<Service, QueueFields>>>();
  const tell = (repositoryId: number, service: Service, job: QueueFields) => byRepository.set(repositoryId, { ...byRepository.get(repositoryId), [service]: job });
  for (const job of firstPages) {
    for (const { repositoryId, services: named } of (job.payload as FirstPagesPayload).imports) {
      for (const service of named.filter((service) => services.includes(service))) tell(repositoryId, service, job);
    }
  }
  for (const job of own) {
    const { repositoryId, service } = job.payload as BackfillPayload;
    const active = job.state === "queued" || job.state === "running";
    if (active || !byRepository.get(repositoryId)?.[service]) tell(repositoryId, service, job);
  }
  return byRepository;
}

/** Stops a service's imports: queued work is dropped (from first-pages jobs too), running work stops at its next page. */
export async function stopService(installationId: number, service: Service, repositoryIds?: number[]): Promise<void> {
  if (repositoryIds) {
    for (const repositoryId of repositoryIds) await cancelQueuedJobs({ name: BACKFILL_JOB, installationId, payload: { repositoryId, service } });
  } else {
    await cancelQueuedJobs({ name: BACKFILL_JOB, installationId, payload: { service } });
  }
  const stops = (repositoryId: number) => !repositoryIds || repositoryIds.includes(repositoryId);
  for (const job of await findQueuedJobs({ name: FIRST_PAGES_JOB, installationId, repositoryIds })) {
    const payload = job.payload as FirstPagesPayload;
    const imports = payload.imports
      .map((item) => (stops(item.repositoryId) ? { ...item, services: item.services.filter((named) => named !== service) } : item))
      .filter((item) => item.services.length > 0);
    await replaceQueuedPayload(job._id, payload, imports.length > 0 ? { imports } : null);
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
