import { Schema, model, type InferSchemaType } from "mongoose";
import { sequenceField } from "./data-sequence.js";

const repositorySchema = new Schema(
  {
    githubId: { type: Number, required: true },
    nodeId: { type: String, required: true },
    installationId: { type: Number, required: true },
    name: { type: String, required: true },
    fullName: { type: String, required: true },
    visibility: { type: String, enum: ["public", "private", "internal"], required: true },
    archived: { type: Boolean, default: false },
    /** Unknown until the repository is read from the API (installation webhooks do not carry it). */
    defaultBranch: { type: String, default: null },
    // Metadata of the "repos" service, filled by backfill and `repository` webhooks.
    fork: { type: Boolean, default: null },
    language: { type: String, default: null },
    topics: { type: [String], default: [] },
    createdAt: { type: Date, default: null },
    pushedAt: { type: Date, default: null },
    /** GitHub's updated_at of the metadata above; older events never overwrite newer metadata. */
    updatedAt: { type: Date, default: null },
    /** Set when the repository was deleted on GitHub or transferred to an account this installation does not cover. */
    deletedAt: { type: Date, default: null },
    granted: { type: Boolean, required: true },
    /** Time of the event that last set `granted`; an older event arriving late does not undo a newer one. */
    grantChangedAt: { type: Date, required: true },
    ...sequenceField,
  },
  // No mongoose timestamps: createdAt/updatedAt here are GitHub's.
);
repositorySchema.index({ githubId: 1 }, { unique: true });
repositorySchema.index({ installationId: 1, granted: 1 });
// The data API's pages: one range of positions within the installation (see src/storage/data-sequence.ts).
repositorySchema.index({ installationId: 1, sequence: 1 });

export type Repository = InferSchemaType<typeof repositorySchema>;
export const RepositoryModel = model("Repository", repositorySchema);
