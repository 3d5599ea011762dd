import type { ImportMode, ImportState, Service } from "../storage/models/import-status.js";
import type { Job } from "../storage/models/job.js";

/** What each service's imports count, in words. */
export const SERVICE_ITEMS: Record<Service, { one: string; many: string }> = {
  repos: { one: "commit", many: "commits" },
  pullRequests: { one: "pull request", many: "pull requests" },
  tickets: { one: "ticket", many: "tickets" },
};

/** The import status fields progress is told from. */
export interface ProgressFields {
  service: Service;
  state: ImportState;
  mode?: ImportMode | null;
  processed: number;
  expectedTotal?: number | null;
  startedAt?: Date | null;
  finishedAt?: Date | null;
  lastSyncedAt?: Date | null;
  error?: string | null;
}

/** The queue's side of an import: whether its job waits, and for what. */
export type QueueFields = Pick<Job, "state" | "runAt" | "lastError" | "lockedUntil" | "leaseRenewedAt">;

/** Where one service's import of one repository stands, as a person is told. */
export type ServiceActivity =
  | { kind: "not_started" }
  | { kind: "queued"; startsAt: Date | null }
  /** Postponed by the app (GitHub's rate limit) or by a failed attempt, until `until`. */
  | { kind: "waiting"; until: Date; reason: string }
  /** Its worker stopped renewing the claim (the app restarted): another run takes over when the lease expires. */
  | { kind: "stalled"; resumesAt: Date }
  | { kind: "importing"; processed: number; expectedTotal: number | null }
  | { kind: "syncing"; processed: number }
  | { kind: "done"; mode: ImportMode; processed: number }
  | { kind: "failed"; error: string }
  | { kind: "stopped" };

const isFuture = (date: Date | null | undefined, now: Date): date is Date => !!date && date.getTime() > now.getTime();

/**
 * A running job's lease is renewed every third of its length: one whose last renewal is more than half its length
 * ago has lost its worker, and waits for the lease to expire.
 */
function stalled(job: QueueFields, now: Date): boolean {
  if (!job.lockedUntil || !job.leaseRenewedAt) return false;
  const leaseMs = job.lockedUntil.getTime() - job.leaseRenewedAt.getTime();
  return now.getTime() - job.leaseRenewedAt.getTime() > leaseMs / 2;
}

/** Tells a status (and its job, if queued or running) as one activity. */
export function serviceActivity(status: ProgressFields | undefined, job: QueueFields | undefined, now: Date): ServiceActivity {
  if (!status) return { kind: "not_started" };
  if (job?.state === "running" && stalled(job, now) && job.lockedUntil) return { kind: "stalled", resumesAt: job.lockedUntil };
  if (job?.state === "queued" && isFuture(job.runAt, now) && job.lastError) return { kind: "waiting", until: job.runAt, reason: job.lastError };
  switch (status.state) {
    case "pending":
      return { kind: "queued", startsAt: job?.state === "queued" && isFuture(job.runAt, now) ? job.runAt : null };
    case "importing":
      return status.mode === "incremental"
        ? { kind: "syncing", processed: status.processed }
        : { kind: "importing", processed: status.processed, expectedTotal: status.expectedTotal ?? null };
    case "done":
      return { kind: "done", mode: status.mode ?? "full", processed: status.processed };
    case "failed":
      return { kind: "failed", error: status.error ?? "failed" };
    case "stopped":
      return { kind: "stopped" };
  }
}

/** Whether the activity is still moving (the page keeps watching it). */
export const isUnderWay = ({ kind }: ServiceActivity) => kind === "queued" || kind === "waiting" || kind === "stalled" || kind === "importing" || kind === "syncing";

/** An installation's full imports, summed: items imported so far of the items known to import, and when it ends. */
export interface OverallProgress {
  processed: number;
  /** Grows as repositories start and GitHub reports their size. */
  total: number;
  /** Repositories × services still queued or importing. */
  remainingImports: number;
  /** Estimated end, from the pace since the earliest import under way started; null until there is a pace. */
  estimatedEnd: Date | null;
}

const UNDER_WAY: ImportState[] = ["pending", "importing"];

/**
 * Imports summed: items read so far, of the items known to read — a finished import counts what it read, one under
 * way the larger of GitHub's total and what it read.
 */
export function importTotals(statuses: Pick<ProgressFields, "state" | "processed" | "expectedTotal">[]): { processed: number; total: number } {
  let processed = 0;
  let total = 0;
  for (const status of statuses) {
    processed += status.processed;
    total += status.state === "done" ? status.processed : Math.max(status.expectedTotal ?? 0, status.processed);
  }
  return { processed, total };
}

/**
 * Sums the installation's full imports (see `importTotals`), with an estimated end. Null when no full import is
 * under way (incremental syncs are no import to wait for).
 */
export function overallProgress(statuses: ProgressFields[], now: Date): OverallProgress | null {
  const full = statuses.filter((status) => (status.mode ?? "full") === "full");
  const underWay = full.filter((status) => UNDER_WAY.includes(status.state));
  if (underWay.length === 0) return null;
  const { processed, total } = importTotals(full);
  const started = underWay.flatMap((status) => (status.startedAt ? [status.startedAt.getTime()] : []));
  const since = started.length > 0 ? Math.min(...started) : null;
  // The pace of the imports under way: items they read over the time since the first of them started.
  const read = underWay.reduce((items, status) => items + status.processed, 0);
  const elapsedMs = since === null ? 0 : now.getTime() - since;
  const estimatedEnd = read > 0 && elapsedMs > 0 && total > processed ? new Date(now.getTime() + ((total - processed) * elapsedMs) / read) : null;
  return { processed, total, remainingImports: underWay.length, estimatedEnd };
}
