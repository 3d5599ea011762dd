import { Schema, model } from "mongoose";

/**
 * One repository's week of report inputs (`_id` "<repositoryId>/<week>", the week named by its Monday): per record,
 * the entry a report needs, keyed by the record's id, each carrying the version (`v`) it was derived at. A report
 * reads the documents of the weeks and repositories it shows, by key, never the records. Written through the driver
 * (see `storage/report-rollups.ts`): entries are set one path at a time, atomically.
 */
const reportWeekSchema = new Schema(
  {
    _id: { type: String, required: true },
    repositoryId: { type: Number, required: true },
    week: { type: String, required: true },
    /** Merged pull requests by id (see `MergedPullRequestEntry`). */
    merged: { type: Schema.Types.Mixed, default: {} },
    /** Submitted reviews by id. */
    reviews: { type: Schema.Types.Mixed, default: {} },
    /** Default-branch commits by sha. */
    commits: { type: Schema.Types.Mixed, default: {} },
    /** Tickets opened this week by id. */
    opened: { type: Schema.Types.Mixed, default: {} },
    /** Per ticket opened this week, every week its close was ever counted in (a reopened ticket closes again later). */
    closeWeeks: { type: Schema.Types.Mixed, default: {} },
    /** Tickets closed this week by id. */
    closed: { type: Schema.Types.Mixed, default: {} },
  },
  { versionKey: false, minimize: false },
);

export const ReportWeekModel = model("ReportWeek", reportWeekSchema);
