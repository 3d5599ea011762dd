import type { Service } from "../storage/models/import-status.js";
import { findImportStatus, markDone, markImporting, requestedSince, saveCheckpoint, saveProbeEtag, type Checkpoint } from "../storage/import-statuses.js";
import { recountStored } from "../storage/stored-counts.js";
import { rollUpRepository, type ReportDerivation } from "../storage/report-rollups.js";
import type { ProbeResult } from "./change-probe.js";

export interface Page<N> {
  nodes: N[];
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number | null;
}

/** A list GitHub can serve newest first (by update or commit time), one cursor page at a time. */
export interface NewestFirstSource<N> {
  service: Service;
  /** One page after `cursor`, newest first; `since` lets the source filter server-side where GitHub can. */
  fetchPage(cursor: string | null, since: Date | null): Promise<Page<N>>;
  timeOf(node: N): Date;
  save(nodes: N[], reports: ReportDerivation): Promise<void>;
  /**
   * How long before the previous run's start an incremental run reads again: what changed shortly before that start
   * may not have been there for it to read (each source says why).
   */
  overlapMs: number;
}

/**
 * The overlap of sources ordered by GitHub's updated_at: GitHub dates a change when it stores it, but its lists may
 * answer from replicas a few seconds behind, so a change made just before the previous run started may not have been
 * listed to it. A minute covers that lag; re-reading what changed in it costs little (unchanged records are not
 * written).
 */
export const UPDATED_AT_OVERLAP_MS = 60_000;

/** A cheap "did anything change?" check before an incremental run (see change-probe.ts). */
export type ChangeProbe = (etag: string | null) => Promise<ProbeResult>;

/** "done", or "continue-later": the recent window is in and older history should yield to other repositories. */
export type SyncOutcome = "done" | "continue-later";

export const RECENT_DAYS = 90;
const DAY_MS = 86_400_000;
const SECOND_MS = 1000;

/**
 * Where an incremental run starts reading: the previous run's start taken down to the whole second, less the
 * source's overlap. GitHub's times have whole seconds: a change made later in the second that run started in is
 * dated to the start of that second, before the run's start to the millisecond.
 */
function changedSince(previousRunStart: Date, overlapMs: number): Date {
  return new Date(Math.floor(previousRunStart.getTime() / SECOND_MS) * SECOND_MS - overlapMs);
}

/**
 * Brings one repository's list up to date, resumably. It reads newest first, so the last 90 days arrive before
 * older history, and an incremental run stops a little before the previous run's start (`lastSyncedAt`, see
 * `changedSince`). After each stored page the cursor is checkpointed: a crash resumes after the last stored page,
 * and re-storing a page is harmless because writes are keyed upserts.
 */
export async function syncNewestFirst<N>(
  repositoryId: number,
  source: NewestFirstSource<N>,
  probe: ChangeProbe,
  throwIfStopped: () => Promise<void>,
): Promise<SyncOutcome> {
  const status = await findImportStatus(repositoryId, source.service);
  const since = status?.lastSyncedAt ? changedSince(status.lastSyncedAt, source.overlapMs) : null;
  const resumed = status?.checkpoint?.runStartedAt ? (status.checkpoint as Checkpoint) : null;
  let checkpoint: Checkpoint = resumed ?? { phase: "recent", cursor: null, runStartedAt: new Date() };
  let processed = resumed ? (status?.processed ?? 0) : 0;
  const runStartedAt = checkpoint.runStartedAt!;
  const recentBoundary = new Date(runStartedAt.getTime() - RECENT_DAYS * DAY_MS);
  await markImporting(repositoryId, source.service, { checkpoint, mode: since ? "incremental" : "full", processed });
  // Every run ends with a re-count of what the repository holds: the periodic sync keeps the pages' counts right.
  const finish = async () => {
    await markDone(repositoryId, source.service, runStartedAt, processed);
    await recountStored(repositoryId, source.service);
    if (!since) await rollUpRepository(repositoryId, source.service);
  };

  if (since && !resumed) {
    const { changed, etag } = await probe(status?.probeEtag ?? null);
    await saveProbeEtag(repositoryId, source.service, etag);
    if (!changed) {
      await finish();
      return "done";
    }
  }

  for (;;) {
    await throwIfStopped();
    const page = await source.fetchPage(checkpoint.cursor, since);
    const changed = since ? page.nodes.filter((node) => source.timeOf(node) >= since) : page.nodes;
    // A full import derives its repository's report entries in two passes (recent window, end), not page by page.
    await source.save(changed, since ? "now" : "at-import-end");
    processed += changed.length;
    const last = page.nodes.at(-1);
    const oldest = last ? source.timeOf(last) : null;
    checkpoint = { ...checkpoint, cursor: page.endCursor };

    if (!page.hasNextPage || (since && oldest && oldest < since)) {
      await finish();
      // A resumed run read nothing newer than its checkpoint: if an import was asked for since it started (a
      // webhook's refresh merged into it while it waited), what changed since is read now, as a fresh run.
      if (resumed && (await requestedSince(repositoryId, source.service, runStartedAt))) return syncNewestFirst(repositoryId, source, probe, throwIfStopped);
      return "done";
    }
    const leavingRecent = checkpoint.phase === "recent" && oldest !== null && oldest < recentBoundary;
    if (leavingRecent) checkpoint = { ...checkpoint, phase: "history" };
    await saveCheckpoint(repositoryId, source.service, checkpoint, { processed, expectedTotal: since ? null : page.totalCount });
    if (leavingRecent) {
      // The recent window's reports are ready now, not only once older history is in.
      if (!since) await rollUpRepository(repositoryId, source.service);
      return "continue-later";
    }
  }
}
