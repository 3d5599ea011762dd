import type { BudgetSpend } from "../github/budget-spend.js";
import { bulkWriteThroughConflicts, fieldsWhen, takenPositions } from "./atomic-updates.js";
import { ImportStatusModel, type ImportMode, type Service } from "./models/import-status.js";

export type Checkpoint = { phase: "recent" | "history"; cursor: string | null; runStartedAt: Date | null };

export function findImportStatus(repositoryId: number, service: Service) {
  return ImportStatusModel.findOne({ repositoryId, service }).lean();
}

/** What pages show of an installation's imports (or of some repositories'): no checkpoint, no probe, no spend. */
export function listImportProgress(installationId: number, repositoryIds?: number[]) {
  return ImportStatusModel.find(
    { installationId, ...(repositoryIds && { repositoryId: { $in: repositoryIds } }) },
    { repositoryId: 1, service: 1, state: 1, mode: 1, processed: 1, expectedTotal: 1, startedAt: 1, finishedAt: 1, lastSyncedAt: 1, error: 1, stored: 1 },
  ).lean();
}

/**
 * Marks imports as waiting for a worker; one that is already importing keeps its state and checkpoint. Stored
 * statuses get one conditional update each, which a concurrent `markImporting` cannot slip through: one update per
 * status rather than an updateMany, because on DocumentDB a statement over many documents locks them one at a time,
 * and two such statements over the same statuses (two backfill requests at once) can deadlock. Statuses are nearly
 * always stored already (a webhook's refresh, a re-import): the updates go first, and only when some matched nothing
 * are the statuses read and the missing ones inserted (the unique {repositoryId, service} index admits one).
 */
export async function markPending(installationId: number, repositoryIds: number[], service: Service): Promise<void> {
  const ids = [...new Set(repositoryIds)].sort((a, b) => a - b);
  if (ids.length === 0) return;
  const requestedAt = new Date();
  // Pending unless importing, and the request's time on every one (see `requestedAt`). Statements over the same
  // statuses from concurrent calls (or a starting import) may still deadlock on DocumentDB: those are sent again; in
  // one order, to make that rare.
  const importing = { $eq: ["$state", "importing"] };
  const matched = await bulkWriteThroughConflicts(
    ImportStatusModel,
    ids.map((repositoryId) => ({
      updateOne: {
        filter: { repositoryId, service },
        update: [{ $set: { ...fieldsWhen(importing, {}, { installationId, state: "pending", error: null }), requestedAt: { $max: ["$requestedAt", requestedAt] } } }],
      },
    })),
  );
  if (matched === ids.length) return;
  const stored = new Set((await ImportStatusModel.find({ repositoryId: { $in: ids }, service }, { repositoryId: 1 }).lean()).map((status) => status.repositoryId));
  const fresh = ids.filter((id) => !stored.has(id));
  if (fresh.length === 0) return;
  try {
    await ImportStatusModel.insertMany(fresh.map((repositoryId) => ({ repositoryId, installationId, service, requestedAt })), { ordered: false });
  } catch (error) {
    // Keys taken since the update were created by a concurrent call: pending already, or importing since, which they
    // must stay. Any other failure is rethrown.
    takenPositions(error);
  }
}

/** An import never read yet: no sync finished, and no run stored a page (one may have started and stopped before). */
export const isUnread = (status: { lastSyncedAt?: Date | null; checkpoint?: { cursor?: string | null } | null }) =>
  !status.lastSyncedAt && !status.checkpoint?.cursor;

const UNREAD_FIELDS = { _id: 0, repositoryId: 1, service: 1, state: 1, lastSyncedAt: 1, "checkpoint.cursor": 1 } as const;

/** Of these repositories' imports of these services, the ones pending (waiting for a worker), and whether each is unread. */
export async function pendingImports(repositoryIds: number[], services: Service[]): Promise<{ repositoryId: number; service: Service; unread: boolean }[]> {
  const statuses = await ImportStatusModel.find({ repositoryId: { $in: repositoryIds }, service: { $in: services }, state: "pending" }, UNREAD_FIELDS).lean();
  return statuses.map((status) => ({ repositoryId: status.repositoryId, service: status.service, unread: isUnread(status) }));
}

/** These repositories' imports of these services: their state, and whether each is unread (one read). */
export function importStates(repositoryIds: number[], services: Service[]) {
  return ImportStatusModel.find({ repositoryId: { $in: repositoryIds }, service: { $in: services } }, UNREAD_FIELDS).lean();
}

/** Whether an import of the repository's service was asked for after `since`. */
export async function requestedSince(repositoryId: number, service: Service, since: Date): Promise<boolean> {
  const status = await ImportStatusModel.findOne({ repositoryId, service }, { requestedAt: 1 }).lean();
  return status?.requestedAt != null && status.requestedAt > since;
}

/**
 * A run starts (or resumes, with what it had processed): an incremental sync has no total to count against, so the
 * last full import's total is cleared rather than shown as if this run were working through it.
 */
export async function markImporting(
  repositoryId: number,
  service: Service,
  { checkpoint, mode, processed }: { checkpoint: Checkpoint; mode: ImportMode; processed: number },
): Promise<void> {
  await ImportStatusModel.updateOne(
    { repositoryId, service },
    {
      $set: {
        state: "importing",
        mode,
        processed,
        ...(mode === "incremental" && { expectedTotal: null }),
        error: null,
        startedAt: checkpoint.runStartedAt,
        finishedAt: null,
        checkpoint,
      },
    },
  );
}

/** Saves progress after a page is stored, so a restart resumes after it. */
export async function saveCheckpoint(
  repositoryId: number,
  service: Service,
  checkpoint: Checkpoint,
  progress: { processed: number; expectedTotal?: number | null },
): Promise<void> {
  await ImportStatusModel.updateOne(
    { repositoryId, service },
    { $set: { checkpoint, processed: progress.processed, ...(progress.expectedTotal != null && { expectedTotal: progress.expectedTotal }) } },
  );
}

export async function markDone(repositoryId: number, service: Service, syncedUpTo: Date, processed: number): Promise<void> {
  await ImportStatusModel.updateOne(
    { repositoryId, service },
    {
      $set: {
        state: "done",
        processed,
        finishedAt: new Date(),
        lastSyncedAt: syncedUpTo,
        checkpoint: { phase: "recent", cursor: null, runStartedAt: null },
      },
    },
  );
}

export async function markFailed(repositoryId: number, service: Service, error: string): Promise<void> {
  await ImportStatusModel.updateOne({ repositoryId, service }, { $set: { state: "failed", error } });
}

export async function markStopped(installationId: number, service: Service, repositoryIds?: number[]): Promise<void> {
  await ImportStatusModel.updateMany(
    { installationId, service, ...(repositoryIds && { repositoryId: { $in: repositoryIds } }), state: { $in: ["pending", "importing"] } },
    { $set: { state: "stopped" } },
  );
}

export async function saveProbeEtag(repositoryId: number, service: Service, probeEtag: string | null): Promise<void> {
  await ImportStatusModel.updateOne({ repositoryId, service }, { $set: { probeEtag } });
}

/** Adds what a run spent of GitHub's budgets (one atomic increment: runs of other services never lose a count). */
export async function addSpend(repositoryId: number, service: Service, spend: BudgetSpend): Promise<void> {
  if (spend.graphqlPoints === 0 && spend.restRequests === 0) return;
  await ImportStatusModel.updateOne(
    { repositoryId, service },
    { $inc: { "spent.graphqlPoints": spend.graphqlPoints, "spent.restRequests": spend.restRequests } },
  );
}
