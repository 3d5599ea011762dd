import type { InstallationRepositoriesEvent, PullRequestEvent, PullRequestReviewEvent } from "@octokit/webhooks-types";
import { beforeEach, describe, expect, it } from "vitest";
import { JobModel } from "../../src/storage/models/job.js";
import { ReviewModel } from "../../src/storage/models/review.js";
import { findPullRequest } from "../../src/storage/pull-requests.js";
import { HELLO_WORLD, inInstallation } from "../helpers/ingestion.js";
import { freshInstall } from "../helpers/installed-app.js";
import { createTestProbot, deliver } from "../helpers/probot.js";
import { exampleAction, examplePayload } from "../helpers/webhooks.js";

const probot = createTestProbot();
const PR = 279147437;
const backfillQueued = () => JobModel.exists({ key: `backfill:pullRequests:${HELLO_WORLD}` });

const pullRequestEvent = (action: string) => inInstallation(exampleAction("pull_request", action));

beforeEach(() => freshInstall(probot));

describe("pull_request", () => {
  it("stores the pull request by GitHub id with its author, refs, reviewers and counts", async () => {
    await deliver(probot, "pull_request", inInstallation(examplePayload("pull_request", (p) => p.action === "opened" && p.pull_request.requested_reviewers.length > 0)));

    expect(await findPullRequest(PR)).toMatchObject({
      repositoryId: HELLO_WORLD,
      installationId: 957387,
      number: 2,
      title: "Update the README with new information.",
      author: { id: 21031067, login: "Codertocat" },
      state: "open",
      baseRef: "master",
      headRef: "changes",
      requestedReviewers: [{ id: 5346, login: "octocat" }],
      additions: 1,
      commitsCount: 1,
      createdAt: new Date("2019-05-15T15:20:33Z"),
    });
  });

  it("asks the backfill for the commits a synchronize brought, which the payload does not list", async () => {
    await deliver(probot, "pull_request", pullRequestEvent("synchronize"));
    expect(await backfillQueued()).toBeTruthy();
  });

  it("tells a merged pull request from one closed without merging", async () => {
    const merged = pullRequestEvent("closed");
    Object.assign(merged.pull_request, { merged: true, merged_at: "2019-05-15T15:21:18Z", merged_by: merged.pull_request.user });
    await deliver(probot, "pull_request", merged);
    expect(await findPullRequest(PR)).toMatchObject({ state: "merged", mergedBy: { id: 21031067 }, mergedAt: new Date("2019-05-15T15:21:18Z") });

    await freshInstall(probot);
    await deliver(probot, "pull_request", pullRequestEvent("closed"));
    expect(await findPullRequest(PR)).toMatchObject({ state: "closed", mergedAt: null, closedAt: new Date("2019-05-15T15:21:18Z") });
  });

  it("follows draft changes, labels and reopening, and ignores an older event arriving late", async () => {
    await deliver(probot, "pull_request", pullRequestEvent("converted_to_draft"));
    expect((await findPullRequest(PR))?.draft).toBe(true);

    const readyLater = pullRequestEvent("ready_for_review") as PullRequestEvent;
    readyLater.pull_request.updated_at = "2019-05-15T15:30:00Z";
    readyLater.pull_request.labels = [];
    await deliver(probot, "pull_request", readyLater);
    await deliver(probot, "pull_request", pullRequestEvent("labeled"));

    expect(await findPullRequest(PR)).toMatchObject({ draft: false, labels: [], updatedAt: new Date("2019-05-15T15:30:00Z") });
  });
});

describe("pull_request_review", () => {
  it("asks for the pull request to be re-read: the review changed it on GitHub, and no pull_request event says so", async () => {
    expect(await backfillQueued()).toBeFalsy();
    await deliver(probot, "pull_request_review", inInstallation(exampleAction("pull_request_review", "submitted")));
    expect(await backfillQueued()).toBeTruthy();
  });

  it("keeps the pull request's version the review moved it to, though the repository is removed before the refresh runs", async () => {
    await deliver(probot, "pull_request", pullRequestEvent("opened"));
    const reviewed = inInstallation(exampleAction("pull_request_review", "submitted"));
    reviewed.pull_request.updated_at = "2019-05-15T15:25:00Z";
    const olderReview = structuredClone(reviewed) as unknown as PullRequestReviewEvent;
    olderReview.pull_request.updated_at = "2019-05-15T15:22:00Z";
    await deliver(probot, "pull_request_review", reviewed);
    await deliver(probot, "pull_request_review", olderReview);

    // Hello-World leaves the installation before the refresh the review queued is due: GitHub is not read again.
    const added = exampleAction("installation_repositories", "added");
    const removed = { ...added, action: "removed", repositories_added: [], repositories_removed: [{ ...added.repositories_added[0]!, id: HELLO_WORLD }] };
    await deliver(probot, "installation_repositories", removed as InstallationRepositoriesEvent);
    expect(await backfillQueued()).toBeFalsy();

    expect(await findPullRequest(PR)).toMatchObject({ state: "open", additions: 1, updatedAt: new Date("2019-05-15T15:25:00Z") });
  });

  it("stores a submitted review, and a dismissal wins whatever order they arrive in", async () => {
    const submitted = inInstallation(exampleAction("pull_request_review", "submitted"));
    const dismissed = structuredClone(submitted) as unknown as PullRequestReviewEvent;
    Object.assign(dismissed, { action: "dismissed" });
    dismissed.review.state = "dismissed";
    dismissed.pull_request.updated_at = "2019-05-15T15:25:00Z";

    await deliver(probot, "pull_request_review", dismissed);
    await deliver(probot, "pull_request_review", submitted);

    expect(await ReviewModel.findOne({ githubId: 237895671 }).lean()).toMatchObject({
      pullRequestId: PR,
      author: { id: 21031067, login: "Codertocat" },
      state: "DISMISSED",
      submittedAt: new Date("2019-05-15T15:20:38Z"),
    });
  });
});

describe("pull_request_review_comment and pull_request_review_thread", () => {
  it("keeps the earliest review comment time and the newest version, and an older full pull request fills in its counts", async () => {
    const comment = inInstallation(exampleAction("pull_request_review_comment", "created"));
    await deliver(probot, "pull_request_review_comment", comment);
    expect(await findPullRequest(PR)).toMatchObject({ number: 2, firstReviewCommentAt: new Date("2019-05-15T15:20:37Z") });
    expect(await backfillQueued()).toBeTruthy();

    const thread = inInstallation(examplePayload("pull_request_review_thread", (p) => p.repository.id === HELLO_WORLD));
    thread.thread.comments[0]!.created_at = "2019-05-15T15:20:34Z";
    await deliver(probot, "pull_request_review_thread", thread);
    await deliver(probot, "pull_request", pullRequestEvent("opened"));

    // The comment's view is newer than the `opened` event that came after it: the view's version stays, the event's
    // line counts (which no view carries) are taken.
    expect(await findPullRequest(PR)).toMatchObject({
      firstReviewCommentAt: new Date("2019-05-15T15:20:34Z"),
      updatedAt: new Date(comment.pull_request.updated_at),
      additions: 1,
      changedFiles: 1,
    });
    expect(new Date(comment.pull_request.updated_at) > new Date("2019-05-15T15:20:33Z")).toBe(true);
  });
});
