import type { ImportState, ImportStatus, Service } from "../storage/models/import-status.js";
import type { Repository } from "../storage/models/repository.js";
import { NO_RECORDS, type StoredCounts } from "../storage/stored-counts.js";

/** A repository's overall state across the enabled services; "not_started" before any import was queued. */
export type OverallState = ImportState | "not_started";

export const OVERALL_STATES: readonly OverallState[] = ["failed", "importing", "pending", "stopped", "done", "not_started"];

type StatusFields = Pick<ImportStatus, "service" | "state" | "processed" | "expectedTotal" | "error" | "lastSyncedAt" | "repositoryId">;

export interface RepositoryImport {
  githubId: number;
  fullName: string;
  owner: string;
  granted: boolean;
  state: OverallState;
  services: Partial<Record<Service, Omit<StatusFields, "repositoryId" | "service">>>;
  processed: number;
  expectedTotal: number | null;
  lastSyncedAt: Date | null;
  errors: string[];
  /** Records stored for the repository, per entity. */
  stored: StoredCounts;
}

/** The most telling state wins: a failure needs a person, then work under way, then completion. */
function overallState(states: ImportState[]): OverallState {
  return OVERALL_STATES.find((state) => states.includes(state as ImportState)) ?? "not_started";
}

function oldest(dates: (Date | null | undefined)[]): Date | null {
  if (dates.length === 0 || dates.some((date) => !date)) return null;
  return (dates as Date[]).reduce((a, b) => (a < b ? a : b));
}

export function repositoryImports(
  repositories: Pick<Repository, "githubId" | "fullName" | "granted">[],
  statuses: StatusFields[],
  enabled: Service[],
  stored: Map<number, StoredCounts> = new Map(),
): RepositoryImport[] {
  return repositories.map((repo) => {
    const own = statuses.filter((s) => s.repositoryId === repo.githubId && enabled.includes(s.service));
    // Progress counts the services whose size GitHub reported; before any did, just what was imported so far.
    const sized = own.filter((s) => s.expectedTotal != null);
    const measured = sized.length > 0 ? sized : own;
    return {
      githubId: repo.githubId,
      fullName: repo.fullName,
      owner: repo.fullName.split("/")[0] ?? "",
      granted: repo.granted,
      state: overallState(own.map((s) => s.state)),
      services: Object.fromEntries(
        own.map(({ service, state, processed, expectedTotal, error, lastSyncedAt }) => [service, { state, processed, expectedTotal, error, lastSyncedAt }]),
      ),
      processed: measured.reduce((sum, s) => sum + s.processed, 0),
      expectedTotal: sized.length > 0 ? sized.reduce((sum, s) => sum + (s.expectedTotal ?? 0), 0) : null,
      // Synced as far as its least recent service.
      lastSyncedAt: oldest(own.map((s) => s.lastSyncedAt)),
      errors: own.flatMap((s) => (s.error ? [`${s.service}: ${s.error}`] : [])),
      stored: stored.get(repo.githubId) ?? NO_RECORDS,
    };
  });
}

export interface RepositoryFilter {
  query?: string;
  state?: OverallState;
}

export function filterRepositoryImports(imports: RepositoryImport[], { query, state }: RepositoryFilter): RepositoryImport[] {
  const needle = query?.trim().toLowerCase();
  return imports.filter((repo) => (!needle || repo.fullName.toLowerCase().includes(needle)) && (!state || repo.state === state));
}

export function countByState(imports: RepositoryImport[]): Record<OverallState, number> {
  const counts = Object.fromEntries(OVERALL_STATES.map((state) => [state, 0])) as Record<OverallState, number>;
  for (const repo of imports) counts[repo.state] += 1;
  return counts;
}

export function groupByOwner(imports: RepositoryImport[]): { owner: string; repositories: RepositoryImport[] }[] {
  const groups = new Map<string, RepositoryImport[]>();
  for (const repo of imports) groups.set(repo.owner, [...(groups.get(repo.owner) ?? []), repo]);
  return [...groups].map(([owner, repositories]) => ({ owner, repositories }));
}
