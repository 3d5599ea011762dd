import { Schema, model, type InferSchemaType } from "mongoose";

export const SERVICES = ["repos", "pullRequests", "tickets"] as const;
export type Service = (typeof SERVICES)[number];
export const IMPORT_STATES = ["pending", "importing", "done", "failed", "stopped"] as const;
export type ImportState = (typeof IMPORT_STATES)[number];

/**
 * Where one service's import of one repository stands, readable by a person (state, error, times) and by the
 * backfill (checkpoint): a crash or restart resumes from `checkpoint` instead of starting over.
 */
const importStatusSchema = new Schema({
  repositoryId: { type: Number, required: true },
  installationId: { type: Number, required: true },
  service: { type: String, enum: SERVICES, required: true },
  state: { type: String, enum: IMPORT_STATES, default: "pending", required: true },
  error: { type: String, default: null },
  /** Items GitHub reports for the repository (totalCount), for progress and ETA; null until known. */
  expectedTotal: { type: Number, default: null },
  processed: { type: Number, default: 0 },
  startedAt: { type: Date, default: null },
  finishedAt: { type: Date, default: null },
  /** Everything updated up to this time is stored: the next incremental sync asks only for what changed since. */
  lastSyncedAt: { type: Date, default: null },
  /**
   * When an import of this repository and service was last asked for (install, sync, a webhook's refresh): a run
   * that resumed a checkpoint from before then has not read what changed since, and reads it when it ends.
   */
  requestedAt: { type: Date, default: null },
  /** ETag of the last "anything changed?" probe: GitHub answers 304 (free of rate limit) while nothing did. */
  probeEtag: { type: String, default: null },
  /** What this repository's service has cost, as GitHub reported it: GraphQL points and REST requests, all runs. */
  spent: {
    graphqlPoints: { type: Number, default: 0 },
    restRequests: { type: Number, default: 0 },
  },
  checkpoint: {
    /** "recent" (the last 90 days, imported first), then "history". */
    phase: { type: String, enum: ["recent", "history"], default: "recent" },
    cursor: { type: String, default: null },
    /** When this run started: becomes lastSyncedAt once the run completes. */
    runStartedAt: { type: Date, default: null },
  },
});
importStatusSchema.index({ repositoryId: 1, service: 1 }, { unique: true });
importStatusSchema.index({ installationId: 1, service: 1 });

export type ImportStatus = InferSchemaType<typeof importStatusSchema>;
export const ImportStatusModel = model("ImportStatus", importStatusSchema);
