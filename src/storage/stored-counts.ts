import { CommitModel } from "./models/commit.js";
import { PullRequestModel } from "./models/pull-request.js";
import { ReviewModel } from "./models/review.js";
import { TicketModel } from "./models/ticket.js";

export interface StoredCounts {
  commits: number;
  pullRequests: number;
  reviews: number;
  tickets: number;
}

export const NO_RECORDS: StoredCounts = { commits: 0, pullRequests: 0, reviews: 0, tickets: 0 };

const COUNTED = { commits: CommitModel, pullRequests: PullRequestModel, reviews: ReviewModel, tickets: TicketModel };

/**
 * How many records of each entity are stored per repository: one `$group`/`$sum` per collection over an index whose
 * first field is `repositoryId`, so the cost follows the listed repositories' records, not the collection.
 */
export async function countStoredByRepository(repositoryIds: number[]): Promise<Map<number, StoredCounts>> {
  const counts = new Map<number, StoredCounts>(repositoryIds.map((id) => [id, { ...NO_RECORDS }]));
  if (repositoryIds.length === 0) return counts;
  for (const entity of Object.keys(COUNTED) as (keyof StoredCounts)[]) {
    const groups = await COUNTED[entity].aggregate<{ _id: number; count: number }>([
      { $match: { repositoryId: { $in: repositoryIds } } },
      { $group: { _id: "$repositoryId", count: { $sum: 1 } } },
    ]);
    for (const { _id, count } of groups) counts.get(_id)![entity] = count;
  }
  return counts;
}
