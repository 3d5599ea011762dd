import type { Model } from "mongoose";
import { CommitModel } from "./models/commit.js";
import { MemberModel } from "./models/member.js";
import { PullRequestModel } from "./models/pull-request.js";
import { RepositoryModel } from "./models/repository.js";
import { ReviewModel } from "./models/review.js";
import { TicketModel } from "./models/ticket.js";

/** The kinds of record the data API serves, as its addresses name them. */
export const DATA_KINDS = ["repositories", "commits", "pull-requests", "reviews", "tickets", "members"] as const;
export type DataKind = (typeof DATA_KINDS)[number];

/** Each kind's collection; every one of them carries the installation's id, the data API's scope. */
export const DATA_MODELS: Record<DataKind, Model<any>> = {
  repositories: RepositoryModel,
  commits: CommitModel,
  "pull-requests": PullRequestModel,
  reviews: ReviewModel,
  tickets: TicketModel,
  members: MemberModel,
};

/** One record of each kind, as an export line's `type` names it. */
export const RECORD_TYPES: Record<DataKind, string> = {
  repositories: "repository",
  commits: "commit",
  "pull-requests": "pull-request",
  reviews: "review",
  tickets: "ticket",
  members: "member",
};
