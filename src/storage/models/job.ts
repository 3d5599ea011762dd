import { Schema, model, type InferSchemaType } from "mongoose";

export const JOB_STATES = ["queued", "running", "done", "failed"] as const;

/**
 * Lower runs first: 0 for the work at hand (recent history, members), 1 for older history. A fixed few, because a
 * claim asks for each in turn (see `claimJob`).
 */
export const JOB_PRIORITIES = [0, 1] as const;
export type JobPriority = (typeof JOB_PRIORITIES)[number];

/**
 * A unit of background work. One document per `key`, so enqueuing the same work twice is one job; a job enqueued
 * again while it runs is flagged `rerun` and runs once more afterwards (nothing requested is lost).
 */
const jobSchema = new Schema(
  {
    key: { type: String, required: true },
    name: { type: String, required: true },
    installationId: { type: Number, required: true },
    payload: { type: Schema.Types.Mixed, default: {} },
    priority: { type: Number, enum: JOB_PRIORITIES, default: 0 },
    state: { type: String, enum: JOB_STATES, default: "queued", required: true },
    runAt: { type: Date, required: true },
    /** A running job whose lease expired belongs to a worker that died: another worker takes it over. */
    lockedUntil: { type: Date, default: null },
    /** When the running worker last claimed or renewed the lease: one not renewed for half its length lost its worker. */
    leaseRenewedAt: { type: Date, default: null },
    workerId: { type: String, default: null },
    attempts: { type: Number, default: 0 },
    lastError: { type: String, default: null },
    rerun: { type: Boolean, default: false },
  },
  { timestamps: true },
);
jobSchema.index({ key: 1 }, { unique: true });
jobSchema.index({ state: 1, priority: 1, runAt: 1 });
jobSchema.index({ installationId: 1, state: 1 });
// The repositories a first-pages job reads (src/backfill/first-pages.ts): pages tell their imports' jobs through it.
jobSchema.index({ "payload.imports.repositoryId": 1 });

export type Job = InferSchemaType<typeof jobSchema> & { _id: unknown };
export const JobModel = model("Job", jobSchema);
