import { PullRequestModel, type PullRequest } from "./models/pull-request.js";
import { resequenced } from "./sequence-reset.js";
import { upsertUnlessNewer, type StageOrder, type VersionedRecord } from "./bulk-writes.js";
import { savedTogether } from "./group-commit.js";
import { githubIdsOf, rollUpPullRequests, type ReportDerivation } from "./report-rollups.js";
import { countCreated } from "./stored-counts.js";

/**
 * A pull request as one source knows it: its id and GitHub's updatedAt, plus whichever other fields the source
 * carries (a webhook payload has no commit list; a backfill page has everything).
 */
export type PullRequestRecord = Pick<PullRequest, "githubId" | "updatedAt"> & Partial<Omit<PullRequest, "githubId" | "updatedAt" | "syncedAt">>;

/** Within one second a pull request is opened, then closed or merged: a tie goes to the later stage. */
const LIFECYCLE: StageOrder<PullRequest["state"]> = { field: "state", ranks: { open: 0, closed: 1, merged: 2 } };

/**
 * Stores pull requests unless a newer version (by GitHub's updatedAt) is stored, or the same version at a later
 * stage (merged after opened in one second); an equal one is overwritten. Only the fields a record carries are
 * written, so a partial record never erases what another source stored. Concurrent saves are written together.
 */
export const savePullRequests = savedTogether(async (records: PullRequestRecord[], reports: ReportDerivation = "now") => {
  const syncedAt = new Date();
  // What this save wrote, created or updated: only those records' report entries can have changed.
  const updated: VersionedRecord[] = [];
  const created = await upsertUnlessNewer(
    PullRequestModel,
    records.map((record) => ({ key: { githubId: record.githubId }, set: { ...record, syncedAt } })),
    "updatedAt",
    LIFECYCLE,
    (record) => updated.push(record),
  );
  await countCreated("pullRequests", created);
  if (reports === "now") await rollUpPullRequests(githubIdsOf([...created, ...updated]));
});

type FirstCommentField = "firstCommentAt" | "firstReviewCommentAt";

/** Keeps the earliest time seen: the same comment reported twice, or comments reported out of order, agree. */
async function keepEarliest(filter: Record<string, unknown>, field: FirstCommentField, at: Date): Promise<void> {
  await PullRequestModel.updateOne({ ...filter, $or: [{ [field]: null }, { [field]: { $gt: at } }] }, resequenced({ $set: { [field]: at } }));
}

/**
 * The pull request left draft at `at`; the latest such time is kept (`$max`), so that events arriving late or twice,
 * in any order, agree — however the version guard treated the event's other fields. Its report entry follows.
 */
export async function recordReadyForReviewAt(githubId: number, at: Date): Promise<void> {
  await PullRequestModel.updateOne({ githubId }, { ...resequenced({ $set: { syncedAt: new Date() } }), $max: { readyForReviewAt: at } });
  await rollUpPullRequests([githubId]);
}

/** A review comment was written on the pull request at `at`. */
export function recordReviewCommentAt(pullRequestId: number, at: Date): Promise<void> {
  return keepEarliest({ githubId: pullRequestId }, "firstReviewCommentAt", at);
}

/** A conversation comment was written on the pull request at `at` (issue comments name the PR by number only). */
export function recordConversationCommentAt(pullRequest: { repositoryId: number; number: number }, at: Date): Promise<void> {
  return keepEarliest({ repositoryId: pullRequest.repositoryId, number: pullRequest.number }, "firstCommentAt", at);
}

export function findPullRequest(githubId: number) {
  return PullRequestModel.findOne({ githubId }).lean();
}
