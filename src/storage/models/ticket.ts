import { Schema, model, type InferSchemaType } from "mongoose";
import { sequenceField } from "./data-sequence.js";
import type { Plain } from "./plain.js";
import { issueLikeFields, userRefSchema } from "./people.js";

/** An issue that is not a pull request: the "tickets" service. */
const ticketSchema = new Schema({
  ...issueLikeFields,
  state: { type: String, enum: ["open", "closed"], required: true },
  stateReason: { type: String, default: null },
  labels: { type: [String], default: [] },
  assignees: { type: [userRefSchema], default: [] },
  milestone: { type: String, default: null },
  createdAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
  closedAt: { type: Date, default: null },
  commentsCount: { type: Number, default: 0 },
  /** Set when the issue was deleted or transferred out; the record stays for history. */
  deletedAt: { type: Date, default: null },
  transferredTo: { type: String, default: null },
  syncedAt: { type: Date, required: true },
  ...sequenceField,
});
// No index may contain updatedAt: the guarded write {githubId, updatedAt: {$lte}} would scan its range (DocumentDB).
ticketSchema.index({ githubId: 1 }, { unique: true });
// Counts per repository, and an issue as GitHub names it (repository and number).
ticketSchema.index({ repositoryId: 1, number: 1 });
// The data API's pages: one range of positions within the installation (see src/storage/data-sequence.ts).
ticketSchema.index({ installationId: 1, sequence: 1 });

export type Ticket = Plain<InferSchemaType<typeof ticketSchema>>;
export const TicketModel = model("Ticket", ticketSchema);
