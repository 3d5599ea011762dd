import type { ImportMode, ImportState, ImportStatus, Service } from "../storage/models/import-status.js";
import type { Repository } from "../storage/models/repository.js";
import { NO_RECORDS, type StoredCounts } from "../storage/stored-counts.js";
import { serviceActivity, type ProgressFields, type QueueFields, type ServiceActivity } from "./import-progress.js";

/** A repository's overall state across the enabled services; "not_started" before any import was queued. */
export type OverallState = ImportState | "not_started";

export const OVERALL_STATES: readonly OverallState[] = ["failed", "importing", "pending", "stopped", "done", "not_started"];

/** Repositories per page of the list: an organization can have thousands. */
export const REPOSITORIES_PER_PAGE = 50;

export type StatusFields = ProgressFields & Pick<ImportStatus, "repositoryId"> & { stored?: Partial<StoredCounts> | null };

export interface ServiceImport {
  state: ImportState;
  mode: ImportMode;
  processed: number;
  expectedTotal: number | null;
  error: string | null;
  lastSyncedAt: Date | null;
  activity: ServiceActivity;
}

export interface RepositoryImport {
  githubId: number;
  fullName: string;
  owner: string;
  granted: boolean;
  state: OverallState;
  services: Partial<Record<Service, ServiceImport>>;
  errors: string[];
  /** Records stored for the repository, per kind, as the import statuses keep them. */
  stored: StoredCounts;
}

/** The most telling state wins: a failure needs a person, then work under way, then completion. */
function overallState(states: ImportState[]): OverallState {
  return OVERALL_STATES.find((state) => states.includes(state as ImportState)) ?? "not_started";
}

/** The stored counts of a repository: each kind is kept on the status of the service that brings it in. */
function storedCounts(statuses: StatusFields[]): StoredCounts {
  const counts = { ...NO_RECORDS };
  for (const status of statuses) {
    for (const kind of Object.keys(counts) as (keyof StoredCounts)[]) counts[kind] += status.stored?.[kind] ?? 0;
  }
  return counts;
}

/**
 * Each repository with its enabled services' imports. `jobs` (by repository id, then service) tells what a queued or
 * running import waits for; without them an import is told from its status alone.
 */
export function repositoryImports(
  repositories: Pick<Repository, "githubId" | "fullName" | "granted">[],
  statuses: StatusFields[],
  enabled: Service[],
  { jobs = new Map<number, Partial<Record<Service, QueueFields>>>(), now = new Date() } = {},
): RepositoryImport[] {
  const byRepository = new Map<number, StatusFields[]>();
  for (const status of statuses) {
    if (!enabled.includes(status.service)) continue;
    const own = byRepository.get(status.repositoryId);
    if (own) own.push(status);
    else byRepository.set(status.repositoryId, [status]);
  }
  return repositories.map((repo) => {
    const own = byRepository.get(repo.githubId) ?? [];
    return {
      githubId: repo.githubId,
      fullName: repo.fullName,
      owner: repo.fullName.split("/")[0] ?? "",
      granted: repo.granted,
      state: overallState(own.map((s) => s.state)),
      services: Object.fromEntries(
        own.map((status) => [
          status.service,
          {
            state: status.state,
            mode: status.mode ?? "full",
            processed: status.processed,
            expectedTotal: status.expectedTotal ?? null,
            error: status.error ?? null,
            lastSyncedAt: status.lastSyncedAt ?? null,
            activity: serviceActivity(status, jobs.get(repo.githubId)?.[status.service], now),
          },
        ]),
      ),
      errors: own.flatMap((s) => (s.error ? [`${s.service}: ${s.error}`] : [])),
      stored: storedCounts(own),
    };
  });
}

export interface RepositoryFilter {
  query?: string;
  state?: OverallState;
  /** From 1. */
  page?: number;
}

export const matchesQuery = (repo: Pick<RepositoryImport, "fullName">, query?: string) =>
  !query?.trim() || repo.fullName.toLowerCase().includes(query.trim().toLowerCase());

export function countByState(imports: RepositoryImport[]): Record<OverallState, number> {
  const counts = Object.fromEntries(OVERALL_STATES.map((state) => [state, 0])) as Record<OverallState, number>;
  for (const repo of imports) counts[repo.state] += 1;
  return counts;
}

export interface RepositoryPage {
  /** Repositories matching the search, by state (before the state filter: the summary offers each state). */
  counts: Record<OverallState, number>;
  /** Repositories matching the search and the state filter. */
  total: number;
  page: number;
  pageCount: number;
  repositories: RepositoryImport[];
}

/** The search narrows the summary; the state filter then the list, which is cut into pages (in name order). */
export function pageOfRepositories(imports: RepositoryImport[], { query, state, page = 1 }: RepositoryFilter): RepositoryPage {
  const searched = imports.filter((repo) => matchesQuery(repo, query));
  const shown = searched.filter((repo) => !state || repo.state === state).sort((a, b) => a.fullName.localeCompare(b.fullName));
  const pageCount = Math.max(1, Math.ceil(shown.length / REPOSITORIES_PER_PAGE));
  const current = Math.min(page, pageCount);
  return {
    counts: countByState(searched),
    total: shown.length,
    page: current,
    pageCount,
    repositories: shown.slice((current - 1) * REPOSITORIES_PER_PAGE, current * REPOSITORIES_PER_PAGE),
  };
}

export function groupByOwner(imports: RepositoryImport[]): { owner: string; repositories: RepositoryImport[] }[] {
  const groups = new Map<string, RepositoryImport[]>();
  for (const repo of imports) {
    const group = groups.get(repo.owner);
    if (group) group.push(repo);
    else groups.set(repo.owner, [repo]);
  }
  return [...groups].map(([owner, repositories]) => ({ owner, repositories }));
}
