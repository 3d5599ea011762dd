import { Schema, model, type InferSchemaType } from "mongoose";

export const SERVICES = ["repos", "pullRequests", "tickets"] as const;
export type Service = (typeof SERVICES)[number];
export const IMPORT_STATES = ["pending", "importing", "done", "failed", "stopped"] as const;
export type ImportState = (typeof IMPORT_STATES)[number];
export const IMPORT_MODES = ["full", "incremental"] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

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
  /** A full import reads the whole history; an incremental sync reads what changed since `lastSyncedAt`. */
  mode: { type: String, enum: IMPORT_MODES, default: "full" },
  /** Items GitHub reports for the repository (totalCount), for a full import's progress and ETA; null until known. */
  expectedTotal: { type: Number, default: null },
  /** Items the current (or last) run read: of `expectedTotal` in a full import, the changes an incremental sync found. */
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
  /**
   * Records stored for this repository, of the kinds this service brings in: counted as they are created (one atomic
   * increment per write), re-counted when a run ends. Pages read these instead of counting the collections.
   */
  stored: {
    commits: { type: Number, default: 0 },
    pullRequests: { type: Number, default: 0 },
    reviews: { type: Number, default: 0 },
    tickets: { type: Number, default: 0 },
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
