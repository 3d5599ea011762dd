import type { Model } from "mongoose";
import {
  CommitModel,
  IntegrationModel,
  MemberModel,
  PullRequestModel,
  RepositoryModel,
  ReviewModel,
  TicketModel,
} from "../../src/storage/models/index.js";

const COUNTED = {
  integrations: IntegrationModel,
  repositories: RepositoryModel,
  pullRequests: PullRequestModel,
  reviews: ReviewModel,
  commits: CommitModel,
  tickets: TicketModel,
  members: MemberModel,
} satisfies Record<string, Model<any>>;

/** What the app has stored, record type by record type. */
export type StoredCounts = Record<keyof typeof COUNTED, number>;

export async function readStoredCounts(): Promise<StoredCounts> {
  const counts = await Promise.all(
    Object.entries(COUNTED).map(async ([name, model]: [string, Model<any>]) => [name, await model.countDocuments()] as const),
  );
  return Object.fromEntries(counts) as StoredCounts;
}
