import type { VersionedRecord } from "./bulk-writes.js";
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
 * Adds the records a write created to their repositories' counts, one atomic increment per repository: a record is
 * created by one writer only (its unique key admits one insert), so concurrent writers never count it twice, and no
 * count is read to be written back. A record without its repository, or a process that dies between the insert and
 * this increment, leaves the count short until the repository's next run re-counts it (`recountStored`).
 */
export async function countCreated(kind: StoredKind, created: VersionedRecord[]): Promise<void> {
  const perRepository = new Map<number, number>();
  for (const { key, set } of created) {
    const repositoryId = key.repositoryId ?? set.repositoryId;
    if (typeof repositoryId === "number") perRepository.set(repositoryId, (perRepository.get(repositoryId) ?? 0) + 1);
  }
  if (perRepository.size === 0) return;
  await ImportStatusModel.collection.bulkWrite(
    [...perRepository].map(([repositoryId, count]) => ({
      updateOne: { filter: { repositoryId, service: SERVICE_OF_KIND[kind] }, update: { $inc: { [`stored.${kind}`]: count } } },
    })),
    { ordered: false },
  );
}

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
