import { bulkWriteInChunks, changedRecords, insertNewThen } from "./bulk-writes.js";
import { CommitModel, type Commit } from "./models/commit.js";

/** A commit as one source knows it; null means "this source does not know" (a push payload has no line counts). */
export type CommitRecord = Pick<Commit, "repositoryId" | "sha"> & Partial<Omit<Commit, "repositoryId" | "sha" | "syncedAt">>;

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

/** Stores commits keyed by repository and sha. Commits never change, so there is no version guard, only no-erase. */
export async function saveCommits(records: CommitRecord[]): Promise<void> {
  if (records.length === 0) return;
  const syncedAt = new Date();
  const versioned = records.map((record) => ({ key: { repositoryId: record.repositoryId, sha: record.sha }, set: { ...record, syncedAt } }));
  await insertNewThen(CommitModel, versioned, async (known) =>
    bulkWriteInChunks(
      CommitModel,
      (await changedRecords(CommitModel, known)).map(({ key, set }) => ({
        updateOne: { filter: key, update: { $set: { ...knownAndUnknown(set as CommitRecord).known, syncedAt } } },
      })),
    ),
  );
}

/** These commits are no longer on the default branch (a force-push rewrote it); they stay for history. */
export async function markCommitsOffDefaultBranch(repositoryId: number, shas: string[]): Promise<void> {
  if (shas.length === 0) return;
  await CommitModel.updateMany({ repositoryId, sha: { $in: shas } }, { $set: { onDefaultBranch: false, syncedAt: new Date() } });
}
