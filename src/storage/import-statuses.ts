import { ImportStatusModel, type ImportState, type Service } from "./models/import-status.js";

export type Checkpoint = { phase: "recent" | "history"; cursor: string | null; runStartedAt: Date | null };

export function findImportStatus(repositoryId: number, service: Service) {
  return ImportStatusModel.findOne({ repositoryId, service }).lean();
}

export function listImportStatuses(filter: { installationId: number; service?: Service; repositoryId?: number }) {
  return ImportStatusModel.find(filter).lean();
}

/** Marks imports as waiting for a worker; one that is already importing keeps its state and checkpoint. */
export async function markPending(installationId: number, repositoryIds: number[], service: Service): Promise<void> {
  if (repositoryIds.length === 0) return;
  await ImportStatusModel.bulkWrite(
    repositoryIds.map((repositoryId) => ({
      updateOne: {
        filter: { repositoryId, service, state: { $ne: "importing" } },
        update: { $set: { installationId, state: "pending" as ImportState, error: null } },
        upsert: true,
      },
    })),
    { ordered: false },
  ).catch((error: unknown) => {
    // An "importing" status makes the upsert collide on the unique index: that import is already under way.
    if (!(error instanceof Error && "code" in error && error.code === 11000) && !String(error).includes("E11000")) throw error;
  });
}

export async function markImporting(repositoryId: number, service: Service, checkpoint: Checkpoint): Promise<void> {
  await ImportStatusModel.updateOne(
    { repositoryId, service },
    { $set: { state: "importing", error: null, startedAt: checkpoint.runStartedAt, finishedAt: null, checkpoint } },
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
