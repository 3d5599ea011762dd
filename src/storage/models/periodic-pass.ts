import { Schema, model, type InferSchemaType } from "mongoose";

/**
 * A pass that runs now and then on one replica at a time (the hourly sync, the redelivery pass): one document per
 * pass, claimed by the replica that runs it with one atomic update, under a lease it renews while the pass runs.
 */
const periodicPassSchema = new Schema(
  {
    /** The pass's name. */
    _id: { type: String, required: true },
    /** When the pass is due: a replica claims it from then on. */
    nextRunAt: { type: Date, required: true },
    /** Until when the holder has it; the epoch when no replica does. A holder that died loses it when this lapses. */
    lockedUntil: { type: Date, required: true },
    /** The replica that runs it now (for an operator reading it), or null. */
    holder: { type: String, default: null },
    /** When the latest run started: a replica starting with "run now" asks for a run only if none started since. */
    lastStartedAt: { type: Date, required: true },
    lastEndedAt: { type: Date, default: null },
  },
  { versionKey: false },
);

export type PeriodicPass = InferSchemaType<typeof periodicPassSchema>;
export const PeriodicPassModel = model("PeriodicPass", periodicPassSchema);
