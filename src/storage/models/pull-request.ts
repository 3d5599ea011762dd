import { Schema, model, type InferSchemaType } from "mongoose";
import { sequenceField } from "./data-sequence.js";
import type { Plain } from "./plain.js";
import { issueLikeFields, userRefSchema } from "./people.js";

const pullRequestCommitSchema = new Schema(
  { sha: { type: String, required: true }, author: { type: userRefSchema, default: null }, authoredAt: { type: Date, default: null } },
  { _id: false },
);

/** A pull request with what cycle time, review coverage and rework are computed from. Times are GitHub's. */
const pullRequestSchema = new Schema({
  ...issueLikeFields,
  state: { type: String, enum: ["open", "closed", "merged"], required: true },
  draft: { type: Boolean, default: false },
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
  closedAt: { type: Date, default: null },
  mergedAt: { type: Date, default: null },
  /**
   * When it last left draft (a `ready_for_review` webhook, or the latest `ReadyForReviewEvent` a backfill read); null
   * when never seen: pickup time starts here, not at opening. It only moves forward: every write keeps the later time
   * (`keepLatest`, see src/storage/bulk-writes.ts), whatever the version of the rest of the record.
   */
  readyForReviewAt: { type: Date, default: null, keepLatest: true },
  // The short pull request of review events lacks these: an older full version fills them in (see bulk-writes.ts).
  mergedBy: { type: userRefSchema, default: null, fillIfUnknown: true },
  baseRef: { type: String, required: true },
  headRef: { type: String, required: true },
  additions: { type: Number, default: null, fillIfUnknown: true },
  deletions: { type: Number, default: null, fillIfUnknown: true },
  changedFiles: { type: Number, default: null, fillIfUnknown: true },
  commitsCount: { type: Number, default: null, fillIfUnknown: true },
  labels: { type: [String], default: [] },
  requestedReviewers: { type: [userRefSchema], default: [] },
  assignees: { type: [userRefSchema], default: [] },
  commentsCount: { type: Number, default: 0 },
  firstCommentAt: { type: Date, default: null },
  reviewCommentsCount: { type: Number, default: 0 },
  firstReviewCommentAt: { type: Date, default: null },
  commits: { type: [pullRequestCommitSchema], default: [] },
  /** False when GitHub caps the list (a PR's commits stop at 250) or it was not fetched yet. */
  commitsComplete: { type: Boolean, default: false },
  syncedAt: { type: Date, required: true },
  ...sequenceField,
});
// No index may contain updatedAt: the guarded write {githubId, updatedAt: {$lte}} would scan its range (DocumentDB).
pullRequestSchema.index({ githubId: 1 }, { unique: true });
// Conversation comments name a pull request by number; counts per repository use the prefix.
pullRequestSchema.index({ repositoryId: 1, number: 1 });
// The data API's pages: one range of positions within the installation (see src/storage/data-sequence.ts).
pullRequestSchema.index({ installationId: 1, sequence: 1 });

export type PullRequest = Plain<InferSchemaType<typeof pullRequestSchema>>;
export const PullRequestModel = model("PullRequest", pullRequestSchema);
