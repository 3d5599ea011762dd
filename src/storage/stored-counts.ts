import { bulkWriteThroughConflicts } from "./atomic-updates.js";
import type { VersionedRecord } from "./bulk-writes.js";
import { groupCommit } from "./group-commit.js";
import { CommitModel } from "./models/commit.js";
import { ImportStatusModel, type Service } from "./models/import-status.js";
import { PullRequestModel } from "./models/pull-request.js";
import { ReviewModel } from "./models/review.js";
import { TicketModel } from "./models/ticket.js";

export interface StoredCounts {
  commits: number;
  pullRequests: number;
  reviews: number;
  tickets: number;
}

export type StoredKind = keyof StoredCounts;

export const NO_RECORDS: StoredCounts = { commits: 0, pullRequests: 0, reviews: 0, tickets: 0 };

const COUNTED = { commits: CommitModel, pullRequests: PullRequestModel, reviews: ReviewModel, tickets: TicketModel };

/** The service whose import status keeps each kind's count: the one that brings that kind in. */
export const SERVICE_OF_KIND: Record<StoredKind, Service> = { commits: "repos", pullRequests: "pullRequests", reviews: "pullRequests", tickets: "tickets" };

const kindsOf = (service: Service) => (Object.keys(SERVICE_OF_KIND) as StoredKind[]).filter((kind) => SERVICE_OF_KIND[kind] === service);

/**
 * How many records of each kind are stored per repository, counted: one `$group`/`$sum` per collection over an index
 * whose first field is `repositoryId`, so the cost follows the listed repositories' records. Pages never call this
 * (see `countCreated`); a run's end does, for its repository.
 */
export async function countStoredByRepository(repositoryIds: number[], kinds = Object.keys(COUNTED) as StoredKind[]): Promise<Map<number, StoredCounts>> {
  const counts = new Map<number, StoredCounts>(repositoryIds.map((id) => [id, { ...NO_RECORDS }]));
  if (repositoryIds.length === 0) return counts;
  for (const kind of kinds) {
    const groups = await COUNTED[kind].aggregate<{ _id: number; count: number }>([
      { $match: { repositoryId: { $in: repositoryIds } } },
      { $group: { _id: "$repositoryId", count: { $sum: 1 } } },
    ]);
    for (const { _id, count } of groups) counts.get(_id)![kind] = count;
  }
  return counts;
}

/**
 * Adds the records a write created to their repositories' counts, one atomic increment per repository and service:
 * a record is created by one writer only (its unique key admits one insert), so concurrent writers never count it
 * twice, and no count is read to be written back. A record without its repository, or a process that dies between
 * the insert and this increment, leaves the count short until the repository's next run re-counts it
 * (`recountStored`). Counts of writes made together, of every kind, go in one statement.
 */
export async function countCreated(kind: StoredKind, created: VersionedRecord[]): Promise<void> {
  const increments = created.flatMap(({ key, set }) => {
    const repositoryId = key.repositoryId ?? set.repositoryId;
    return typeof repositoryId === "number" ? [{ repositoryId, kind }] : [];
  });
  if (increments.length === 0) return;
  const failure = await addTogether(increments);
  if (failure) throw failure;
}

/**
 * Sends increments (each one record) as one increment per status; resolves each call with the failure if the write
 * failed, rather than rejecting: a group commit sends a failed group's calls again alone, and increments applied
 * before the failure would then count twice.
 */
const addTogether = groupCommit(async (calls: { repositoryId: number; kind: StoredKind }[][]): Promise<(unknown | undefined)[]> => {
  const perStatus = new Map<string, { repositoryId: number; service: Service; inc: Record<string, number> }>();
  for (const { repositoryId, kind } of calls.flat()) {
    const service = SERVICE_OF_KIND[kind];
    const status = perStatus.get(`${repositoryId}:${service}`) ?? { repositoryId, service, inc: {} };
    status.inc[`stored.${kind}`] = (status.inc[`stored.${kind}`] ?? 0) + 1;
    perStatus.set(`${repositoryId}:${service}`, status);
  }
  try {
    // Only the statements that lost a conflict are sent again: the others were applied.
    await bulkWriteThroughConflicts(
      ImportStatusModel,
      [...perStatus.values()].map(({ repositoryId, service, inc }) => ({ updateOne: { filter: { repositoryId, service }, update: { $inc: inc } } })),
    );
    return calls.map(() => undefined);
  } catch (error) {
    return calls.map(() => error);
  }
});

/**
 * Re-counts a repository's records of the service's kinds and corrects the stored counts, each only if no write
 * counted a record meanwhile (the update's filter holds the count read before counting): a correction never
 * overwrites an increment. One that raced a write waits for the next run.
 */
export async function recountStored(repositoryId: number, service: Service): Promise<void> {
  const kinds = kindsOf(service);
  const status = await ImportStatusModel.findOne({ repositoryId, service }, { stored: 1 }).lean();
  if (!status) return;
  const counted = (await countStoredByRepository([repositoryId], kinds)).get(repositoryId)!;
  const corrections = kinds.filter((kind) => (status.stored?.[kind] ?? 0) !== counted[kind]);
  if (corrections.length === 0) return;
  // A status stored before counts were kept has none: it is as good as 0, and matched as missing.
  const asRead = (kind: StoredKind) => status.stored?.[kind] ?? { $in: [0, null] };
  await ImportStatusModel.collection.bulkWrite(
    corrections.map((kind) => ({
      updateOne: { filter: { repositoryId, service, [`stored.${kind}`]: asRead(kind) }, update: { $set: { [`stored.${kind}`]: counted[kind] } } },
    })),
    { ordered: false },
  );
}
