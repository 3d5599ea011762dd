import { Schema, model, type InferSchemaType } from "mongoose";

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
    granted: { type: Boolean, required: true },
    /** Time of the event that last set `granted`; an older event arriving late does not undo a newer one. */
    grantChangedAt: { type: Date, required: true },
  },
  { timestamps: true },
);
repositorySchema.index({ githubId: 1 }, { unique: true });
repositorySchema.index({ installationId: 1, granted: 1 });

export type Repository = InferSchemaType<typeof repositorySchema>;
export const RepositoryModel = model("Repository", repositorySchema);
