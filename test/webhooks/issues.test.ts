import type { IssuesEvent } from "@octokit/webhooks-types";
import { beforeEach, describe, expect, it } from "vitest";
import { JobModel } from "../../src/storage/models/job.js";
import { TicketModel } from "../../src/storage/models/ticket.js";
import { findPullRequest } from "../../src/storage/pull-requests.js";
import { findTicket } from "../../src/storage/tickets.js";
import { HELLO_WORLD, inInstallation } from "../helpers/ingestion.js";
import { freshInstall } from "../helpers/installed-app.js";
import { createTestProbot, deliver } from "../helpers/probot.js";
import { exampleAction } from "../helpers/webhooks.js";

const probot = createTestProbot();
const ISSUE = 444500041;
const issueEvent = (action: string) => inInstallation(exampleAction("issues", action));

beforeEach(() => freshInstall(probot));

describe("issues", () => {
  it("stores an opened issue as a ticket by GitHub id, and a closing with its reason", async () => {
    await deliver(probot, "issues", issueEvent("opened"));
    expect(await findTicket(ISSUE)).toMatchObject({
      repositoryId: HELLO_WORLD,
      number: 1,
      title: "Spelling error in the README file",
      author: { id: 21031067, login: "Codertocat" },
      state: "open",
      labels: ["bug"],
      assignees: [{ id: 21031067, login: "Codertocat" }],
      milestone: "v1.0",
    });
    expect((await findTicket(ISSUE))?.deletedAt ?? null).toBeNull();

    const closed = { ...issueEvent("opened"), action: "closed" } as IssuesEvent;
    Object.assign(closed.issue, { state: "closed", state_reason: "not_planned", closed_at: "2019-05-15T16:00:00Z", updated_at: "2019-05-15T16:00:00Z" });
    await deliver(probot, "issues", closed);
    expect(await findTicket(ISSUE)).toMatchObject({ state: "closed", stateReason: "not_planned", closedAt: new Date("2019-05-15T16:00:00Z") });
  });

  it("keeps a deleted issue's record, marked deleted", async () => {
    await deliver(probot, "issues", issueEvent("opened"));
    await deliver(probot, "issues", issueEvent("deleted"));
    expect(await findTicket(ISSUE)).toMatchObject({ state: "closed", deletedAt: new Date("2021-10-11T16:40:56Z") });
  });

  it("records where a transferred issue went", async () => {
    const transferred = inInstallation(exampleAction("issues", "transferred"));
    transferred.repository = exampleAction("issues", "opened").repository;
    await deliver(probot, "issues", transferred);
    expect(await findTicket(512748900)).toMatchObject({ transferredTo: "Codertocat/Hello-World", deletedAt: new Date("2019-05-15T15:20:18Z") });
  });

  it("does not store an issue that is a pull request", async () => {
    const pullRequestIssue = issueEvent("opened");
    pullRequestIssue.issue.pull_request = { url: "https://api.github.com/repos/Codertocat/Hello-World/pulls/1", html_url: "", diff_url: "", patch_url: "" };
    await deliver(probot, "issues", pullRequestIssue);
    expect(await TicketModel.countDocuments()).toBe(0);
  });
});

describe("issue_comment", () => {
  it("updates a ticket's comment count from the issue the comment carries", async () => {
    await deliver(probot, "issues", issueEvent("opened"));
    const comment = inInstallation(exampleAction("issue_comment", "created"));
    Object.assign(comment.issue, { comments: 3, updated_at: "2019-05-15T15:30:00Z" });
    await deliver(probot, "issue_comment", comment);
    expect(await findTicket(ISSUE)).toMatchObject({ commentsCount: 3 });
  });

  it("keeps a pull request's earliest conversation comment and asks the backfill for its counts", async () => {
    const opened = inInstallation(exampleAction("pull_request", "opened"));
    await deliver(probot, "pull_request", opened);
    for (const createdAt of ["2019-05-15T15:40:00Z", "2019-05-15T15:35:00Z"]) {
      const comment = inInstallation(exampleAction("issue_comment", "created"));
      comment.issue.number = opened.number;
      comment.issue.pull_request = { url: opened.pull_request.url, html_url: "", diff_url: "", patch_url: "" };
      comment.comment.created_at = createdAt;
      await deliver(probot, "issue_comment", comment);
    }

    expect(await findPullRequest(opened.pull_request.id)).toMatchObject({ firstCommentAt: new Date("2019-05-15T15:35:00Z") });
    expect(await JobModel.exists({ key: `backfill:pullRequests:${HELLO_WORLD}` })).toBeTruthy();
    expect(await TicketModel.countDocuments()).toBe(0);
  });
});
