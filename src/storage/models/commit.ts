import { Schema, model, type InferSchemaType } from "mongoose";
import { sequenceField } from "./data-sequence.js";
import { gitActorSchema } from "./people.js";

/** A commit on a repository's default branch: the basis of commit-based metrics. */
const commitSchema = new Schema({
  repositoryId: { type: Number, required: true },
  installationId: { type: Number, required: true },
  sha: { type: String, required: true },
  author: { type: gitActorSchema, required: true },
  committer: { type: gitActorSchema, required: true },
  messageHeadline: { type: String, required: true },
  /** Null until known: push payloads do not list parents; backfill fills them in. */
  parentsCount: { type: Number, default: null },
  isMerge: { type: Boolean, default: null },
  /** Null when the source (a push payload) does not carry line counts; backfill fills them in. */
  additions: { type: Number, default: null },
  deletions: { type: Number, default: null },
  changedFiles: { type: Number, default: null },
  /** False once a force-push removed it from the default branch; kept for history. */
  onDefaultBranch: { type: Boolean, default: true },
  /**
   * When the branch was read by the source that last changed `onDefaultBranch` (null: never changed). A source that
   * read the branch earlier is stale about the flag and does not change it back.
   */
  branchChangedAt: { type: Date, default: null },
  syncedAt: { type: Date, required: true },
  ...sequenceField,
});
commitSchema.index({ repositoryId: 1, sha: 1 }, { unique: true });
commitSchema.index({ repositoryId: 1, "author.date": -1 });
// The data API's pages: one range of positions within the installation (see src/storage/data-sequence.ts).
commitSchema.index({ installationId: 1, sequence: 1 });

export type Commit = InferSchemaType<typeof commitSchema>;
export const CommitModel = model("Commit", commitSchema);
