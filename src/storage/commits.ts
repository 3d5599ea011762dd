import { observedFlagUpdate, updateIfChanged, writeInChunks, type ObservedFlag, type VersionedRecord } from "./bulk-writes.js";
import { savedTogether } from "./group-commit.js";
import { CommitModel, type Commit } from "./models/commit.js";
import { rollUpCommits, type ReportDerivation } from "./report-rollups.js";
import { countCreated } from "./stored-counts.js";

/**
 * A commit as one source knows it; null means "this source does not know" (a push payload has no line counts).
 * Whether it is on the default branch is not the record's to say: see `saveCommits`' `onDefaultBranchAsOf`.
 */
export type CommitRecord = Pick<Commit, "repositoryId" | "sha"> &
  Partial<Omit<Commit, "repositoryId" | "sha" | "syncedAt" | "onDefaultBranch" | "branchChangedAt">>;

const ON_DEFAULT_BRANCH: ObservedFlag = { field: "onDefaultBranch", changedAtField: "branchChangedAt" };

const GIT_ACTORS = new Set(["author", "committer"]);

/**
 * Splits a record into the values it knows, written always, and its nulls, written only when the commit is new:
 * a push payload arriving after the backfill must not erase line counts or the GitHub user the backfill found.
 * Git actors are split per field for the same reason (a push knows the author's name, not their GitHub id).
 */
function knownAndUnknown(record: CommitRecord) {
  const known: Record<string, unknown> = {};
  const unknown: Record<string, unknown> = {};
  const put = (path: string, value: unknown) => {
    if (value !== undefined) (value === null ? unknown : known)[path] = value;
  };
  for (const [field, value] of Object.entries(record)) {
    if (GIT_ACTORS.has(field) && value) {
      for (const [leaf, leafValue] of Object.entries(value as object)) put(`${field}.${leaf}`, leafValue);
    } else {
      put(field, value);
    }
  }
  return { known, unknown };
}

/**
 * Stores commits keyed by repository and sha. Commits never change, so there is no version guard, only no-erase.
 * `onDefaultBranchAsOf`: the source read the default branch at that time and found these commits on it (a
 * backfill page), so a commit a force-push marked off the branch before that read is back on it; a mark made
 * after the read stands, however late the page is written.
 */
export async function saveCommits(records: CommitRecord[], options: { onDefaultBranchAsOf?: Date; reports?: ReportDerivation } = {}): Promise<void> {
  if (records.length === 0) return;
  const syncedAt = new Date();
  const { onDefaultBranchAsOf, reports = "now" } = options;
  const versioned = records.map((record): VersionedRecord => {
    const { known, unknown } = knownAndUnknown(record);
    return { key: { repositoryId: record.repositoryId, sha: record.sha }, set: { ...known, syncedAt }, setOnInsert: unknown };
  });
  // What this save wrote, created or updated: only those commits' report entries can have changed.
  const updated: VersionedRecord[] = [];
  const created = await writeInChunks(CommitModel, versioned, {
    compared: (record) => [...Object.keys(record.set), "onDefaultBranch"],
    updates(record, stored) {
      const updates = updateIfChanged(record, stored);
      // The flag keeps the time of its last change only, so a commit read back on the branch needs no write.
      if (onDefaultBranchAsOf && stored?.onDefaultBranch !== true) {
        updates.push({ updateOne: observedFlagUpdate(ON_DEFAULT_BRANCH, true, onDefaultBranchAsOf, record.key) });
      }
      if (updates.length > 0) updated.push(record);
      return updates;
    },
  });
  await countCreated("commits", created);
  if (reports === "now") for (const [repositoryId, shas] of shasByRepository([...created, ...updated])) await rollUpCommits(repositoryId, shas);
}

/**
 * Stores the commits of pushes (see `saveCommits`); concurrent pushes are written together. A commit never changes,
 * so of a sha pushed twice in one group (a redelivery) one copy is written.
 */
export const savePushedCommits = savedTogether(async (records: CommitRecord[]) => {
  const bySha = new Map(records.map((record) => [`${record.repositoryId}:${record.sha}`, record]));
  await saveCommits([...bySha.values()]);
});

function shasByRepository(records: VersionedRecord[]): Map<number, string[]> {
  const shas = new Map<number, string[]>();
  for (const { key } of records) {
    const repositoryId = key.repositoryId as number;
    shas.set(repositoryId, [...(shas.get(repositoryId) ?? []), key.sha as string]);
  }
  return shas;
}

/**
 * These commits are no longer on the default branch as of `branchReadAt`, when GitHub was asked (a force-push
 * rewrote it); they stay for history. A commit a source found back on the branch after that time stays on it.
 */
export async function markCommitsOffDefaultBranch(repositoryId: number, shas: string[], branchReadAt: Date): Promise<void> {
  if (shas.length === 0) return;
  const { filter, update } = observedFlagUpdate(ON_DEFAULT_BRANCH, false, branchReadAt, { repositoryId, sha: { $in: shas } });
  await CommitModel.updateMany(filter, update);
  await rollUpCommits(repositoryId, shas);
}
