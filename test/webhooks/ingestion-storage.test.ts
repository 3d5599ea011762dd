import { beforeEach, describe, expect, it } from "vitest";
import { markCommitsOffDefaultBranch, saveCommits } from "../../src/storage/commits.js";
import { markMemberRemoved, saveMembers } from "../../src/storage/members.js";
import { CommitModel } from "../../src/storage/models/commit.js";
import { MemberModel } from "../../src/storage/models/member.js";
import { RepositoryModel } from "../../src/storage/models/repository.js";
import {
  findPullRequest,
  recordConversationCommentAt,
  recordReviewCommentAt,
  savePullRequests,
  type PullRequestRecord,
} from "../../src/storage/pull-requests.js";
import { markRepositoryDeleted, setRepositoryGrants, updateRepositoryMetadata } from "../../src/storage/repositories.js";
import { saveReviews } from "../../src/storage/reviews.js";
import { findTicket, markTicketDeleted, markTicketTransferred, saveTickets } from "../../src/storage/tickets.js";
import { ReviewModel } from "../../src/storage/models/review.js";
import { clearDatabase } from "../helpers/database.js";

const at = (iso: string) => new Date(iso);

function fullPullRequest(updatedAt: string, overrides: Partial<PullRequestRecord> = {}): PullRequestRecord {
  return {
    githubId: 10,
    nodeId: "PR_10",
    repositoryId: 1,
    installationId: 7,
    number: 3,
    title: "Add a thing",
    author: { id: 100, login: "ada" },
    state: "open",
    createdAt: at("2026-01-01T00:00:00Z"),
    updatedAt: at(updatedAt),
    baseRef: "main",
    headRef: "feature",
    additions: 12,
    commentsCount: 2,
    ...overrides,
  };
}

beforeEach(clearDatabase);

describe("savePullRequests", () => {
  it("ignores an older version and lets an equal one overwrite", async () => {
    await savePullRequests([fullPullRequest("2026-01-03T00:00:00Z", { title: "newer" })]);
    await savePullRequests([fullPullRequest("2026-01-02T00:00:00Z", { title: "older" })]);
    expect((await findPullRequest(10))?.title).toBe("newer");

    await savePullRequests([fullPullRequest("2026-01-03T00:00:00Z", { title: "same time, later delivery" })]);
    expect((await findPullRequest(10))?.title).toBe("same time, later delivery");
  });

  it("never erases fields a partial record does not carry", async () => {
    const commits = [{ sha: "abc", author: { id: 100, login: "ada" }, authoredAt: at("2026-01-01T00:00:00Z") }];
    await savePullRequests([fullPullRequest("2026-01-02T00:00:00Z", { commits, commitsComplete: true })]);
    await savePullRequests([{ githubId: 10, updatedAt: at("2026-01-03T00:00:00Z"), title: "renamed", additions: undefined }]);

    const stored = await findPullRequest(10);
    expect(stored).toMatchObject({ title: "renamed", additions: 12, commentsCount: 2, commitsComplete: true, baseRef: "main" });
    expect(stored?.commits).toEqual(commits);
  });

  it("keeps the earliest first-comment times, whatever order they come in", async () => {
    await savePullRequests([fullPullRequest("2026-01-02T00:00:00Z")]);
    for (const time of ["2026-01-04T00:00:00Z", "2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"]) {
      await recordReviewCommentAt(10, at(time));
      await recordConversationCommentAt({ repositoryId: 1, number: 3 }, at(time));
    }
    expect(await findPullRequest(10)).toMatchObject({
      firstReviewCommentAt: at("2026-01-02T00:00:00Z"),
      firstCommentAt: at("2026-01-02T00:00:00Z"),
    });
  });
});

describe("saveReviews", () => {
  it("keeps the newest state of a review", async () => {
    const review = { githubId: 5, pullRequestId: 10, repositoryId: 1, installationId: 7, submittedAt: at("2026-01-02T00:00:00Z") };
    await saveReviews([{ ...review, state: "DISMISSED", updatedAt: at("2026-01-03T00:00:00Z") }]);
    await saveReviews([{ ...review, state: "APPROVED", updatedAt: at("2026-01-02T00:00:00Z") }]);
    expect(await ReviewModel.findOne({ githubId: 5 }).lean()).toMatchObject({ state: "DISMISSED" });
  });
});

describe("tickets", () => {
  const ticket = { githubId: 20, nodeId: "I_20", repositoryId: 1, installationId: 7, number: 4, title: "Bug", state: "open" as const, createdAt: at("2026-01-01T00:00:00Z") };

  it("records deletion and transfer apart from the guarded fields", async () => {
    await saveTickets([{ ...ticket, updatedAt: at("2026-01-02T00:00:00Z") }]);
    await markTicketTransferred(20, "acme/elsewhere", at("2026-01-03T00:00:00Z"));
    await saveTickets([{ ...ticket, title: "Bug (late edit)", updatedAt: at("2026-01-02T00:00:00Z") }]);

    expect(await findTicket(20)).toMatchObject({ title: "Bug (late edit)", transferredTo: "acme/elsewhere", deletedAt: at("2026-01-03T00:00:00Z") });
    await markTicketDeleted(20, at("2026-01-04T00:00:00Z"));
    expect((await findTicket(20))?.deletedAt).toEqual(at("2026-01-04T00:00:00Z"));
  });
});

describe("saveCommits", () => {
  const actor = { name: "Ada", email: "ada@example.com", date: at("2026-01-01T00:00:00Z") };
  const fromBackfill = {
    repositoryId: 1, installationId: 7, sha: "abc", messageHeadline: "Fix", parentsCount: 2, isMerge: true,
    author: { ...actor, user: { id: 100, login: "ada" } }, committer: { ...actor, user: null }, additions: 3, deletions: 1, changedFiles: 1,
  };
  const fromPush = {
    repositoryId: 1, installationId: 7, sha: "abc", messageHeadline: "Fix",
    author: { ...actor, user: null }, committer: { ...actor, date: null, user: null }, additions: null, deletions: null, changedFiles: null,
  };

  it("never overwrites a known value with null, in either order", async () => {
    await saveCommits([fromBackfill]);
    await saveCommits([fromPush]);
    const afterPush = await CommitModel.findOne({ sha: "abc" }, { _id: 0, syncedAt: 0, __v: 0 }).lean();

    await clearDatabase();
    await saveCommits([fromPush]);
    await saveCommits([fromBackfill]);
    const afterBackfill = await CommitModel.findOne({ sha: "abc" }, { _id: 0, syncedAt: 0, __v: 0 }).lean();

    expect(afterPush).toEqual(afterBackfill);
    expect(afterPush).toMatchObject({ additions: 3, isMerge: true, onDefaultBranch: true, author: { user: { id: 100 }, name: "Ada" } });
  });

  const onDefaultBranch = async () => (await CommitModel.findOne({ sha: "abc" }).lean())?.onDefaultBranch;

  it("marks commits a force-push removed, and a later save of the same commit does not bring it back", async () => {
    await saveCommits([fromPush]);
    await markCommitsOffDefaultBranch(1, ["abc"], at("2026-01-02T00:00:00Z"));
    await saveCommits([fromPush]);
    expect(await onDefaultBranch()).toBe(false);
  });

  it("keeps a commit off the branch when a backfill page read before the force-push is written after it", async () => {
    await saveCommits([fromBackfill], { onDefaultBranchAsOf: at("2026-01-02T00:00:00Z") });
    await markCommitsOffDefaultBranch(1, ["abc"], at("2026-01-04T00:00:00Z"));

    await saveCommits([fromBackfill], { onDefaultBranchAsOf: at("2026-01-03T00:00:00Z") });
    expect(await onDefaultBranch()).toBe(false);

    // A page read after the force-push and still listing the commit: a later push put it back on the branch.
    await saveCommits([fromBackfill], { onDefaultBranchAsOf: at("2026-01-05T00:00:00Z") });
    expect(await onDefaultBranch()).toBe(true);
    // A force-push cleanup that asked GitHub before that page was read is stale in turn.
    await markCommitsOffDefaultBranch(1, ["abc"], at("2026-01-04T12:00:00Z"));
    expect(await onDefaultBranch()).toBe(true);
  });
});

describe("members", () => {
  const active = async () => (await MemberModel.findOne({ userId: 100 }).lean())?.active;

  it("saves members, keeps a role a source cannot see, and marks removals", async () => {
    await saveMembers(7, [{ userId: 100, login: "ada", role: "admin" }], at("2026-01-01T00:00:00Z"));
    await saveMembers(7, [{ userId: 100, login: "ada-l" }], at("2026-01-02T00:00:00Z"));
    expect(await MemberModel.findOne({ userId: 100 }).lean()).toMatchObject({ login: "ada-l", role: "admin", active: true });

    await markMemberRemoved(7, 100, at("2026-01-03T00:00:00Z"));
    expect(await active()).toBe(false);
  });

  it("keeps a member removed when a members page read before the removal is written after it", async () => {
    await saveMembers(7, [{ userId: 100, login: "ada" }], at("2026-01-01T00:00:00Z"));
    await markMemberRemoved(7, 100, at("2026-01-03T00:00:00Z"));

    await saveMembers(7, [{ userId: 100, login: "ada" }], at("2026-01-02T00:00:00Z"));
    expect(await active()).toBe(false);

    await saveMembers(7, [{ userId: 100, login: "ada" }], at("2026-01-04T00:00:00Z"));
    expect(await active()).toBe(true);
    // A removal seen before the member was re-added is stale in turn.
    await markMemberRemoved(7, 100, at("2026-01-03T12:00:00Z"));
    expect(await active()).toBe(true);
  });
});

describe("repository metadata", () => {
  const ref = { id: 1, node_id: "R_1", name: "app", full_name: "acme/app", private: true };

  it("applies newer metadata only, and deletion withdraws the grant", async () => {
    await setRepositoryGrants(7, [ref], true, at("2026-01-01T00:00:00Z"));
    await updateRepositoryMetadata(1, { updatedAt: at("2026-01-03T00:00:00Z"), archived: true, topics: ["x"] });
    await updateRepositoryMetadata(1, { updatedAt: at("2026-01-02T00:00:00Z"), archived: false });
    await updateRepositoryMetadata(2, { updatedAt: at("2026-01-02T00:00:00Z"), archived: false });
    expect(await RepositoryModel.findOne({ githubId: 1 }).lean()).toMatchObject({ archived: true, topics: ["x"], visibility: "private" });
    expect(await RepositoryModel.countDocuments()).toBe(1);

    await markRepositoryDeleted(1, at("2026-01-04T00:00:00Z"));
    expect(await RepositoryModel.findOne({ githubId: 1 }).lean()).toMatchObject({ deletedAt: at("2026-01-04T00:00:00Z"), granted: false });
  });
});
