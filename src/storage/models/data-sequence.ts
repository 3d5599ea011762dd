import { Schema, model, type InferSchemaType } from "mongoose";

/**
 * A data record's position in its installation's sequence of changes, which the data API pages through; absent while
 * a change to the record awaits its position (every write that changes a record removes it). See
 * src/storage/data-sequence.ts.
 */
export const sequenceField = { sequence: { type: Number } } as const;

/** The first position handed out in one hour: where a listing `updated_since` a time in that hour starts. */
const hourMarkSchema = new Schema({ hour: { type: Date, required: true }, first: { type: Number, required: true } }, { _id: false });

/**
 * One installation's sequence for one kind of record: positions are handed out by one sequencer at a time (the
 * lease), and readers read up to `settled` only, below which every position handed out is written.
 */
const dataSequenceSchema = new Schema({
  /** `${installationId}:${kind}`. */
  _id: { type: String, required: true },
  /** The next position to hand out. */
  next: { type: Number, required: true },
  settled: { type: Number, required: true },
  lockedUntil: { type: Date, default: null },
  lockedBy: { type: String, default: null },
  /** The latest HOUR_MARKS_KEPT hours in which positions were handed out, oldest first. */
  hourMarks: { type: [hourMarkSchema], default: [] },
});

export type DataSequence = InferSchemaType<typeof dataSequenceSchema>;
export const DataSequenceModel = model("DataSequence", dataSequenceSchema);
