import { Schema, model, type InferSchemaType } from "mongoose";
import { sequenceField } from "./data-sequence.js";
import { userRefSchema } from "./people.js";

/** A pull request review: who reviewed, how, and when (time to first review, review coverage). */
const reviewSchema = new Schema({
  githubId: { type: Number, required: true },
  pullRequestId: { type: Number, required: true },
  repositoryId: { type: Number, required: true },
  installationId: { type: Number, required: true },
  author: { type: userRefSchema, default: null },
  state: { type: String, enum: ["PENDING", "COMMENTED", "APPROVED", "CHANGES_REQUESTED", "DISMISSED"], required: true },
  submittedAt: { type: Date, default: null },
  /** GitHub's last change (edit, dismissal); guards against older events overwriting newer state. */
  updatedAt: { type: Date, required: true },
  syncedAt: { type: Date, required: true },
  ...sequenceField,
});
// No index may contain updatedAt: the guarded write {githubId, updatedAt: {$lte}} would scan its range (DocumentDB).
reviewSchema.index({ githubId: 1 }, { unique: true });
reviewSchema.index({ pullRequestId: 1, submittedAt: 1 });
// Counts per repository (the repositories page).
reviewSchema.index({ repositoryId: 1 });
// The data API's pages: one range of positions within the installation (see src/storage/data-sequence.ts).
reviewSchema.index({ installationId: 1, sequence: 1 });

export type Review = InferSchemaType<typeof reviewSchema>;
export const ReviewModel = model("Review", reviewSchema);
