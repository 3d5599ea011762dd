import type { PushEvent } from "@octokit/webhooks-types";
import { beforeEach, describe, expect, it } from "vitest";
import { CommitModel } from "../../src/storage/models/commit.js";
import { JobModel } from "../../src/storage/models/job.js";
import { clearDatabase } from "../helpers/database.js";
import { HELLO_WORLD, inInstallation, install } from "../helpers/ingestion.js";
import { createTestProbot, deliver } from "../helpers/probot.js";
import { examplePayload } from "../helpers/webhooks.js";

const probot = createTestProbot();
const branchPush = () => inInstallation(examplePayload("push", (p) => p.ref === "refs/heads/master" && p.commits.length === 1)) as PushEvent;
const reposBackfillQueued = () => JobModel.exists({ key: `backfill:repos:${HELLO_WORLD}` });

beforeEach(async () => {
  await clearDatabase();
  await install(probot);
});

describe("push", () => {
  it("stores the commits pushed to the default branch, leaving what the payload lacks to the backfill", async () => {
    const payload = branchPush();
    payload.commits[0]!.message = "Initial commit\n\nWith a longer body";
    await deliver(probot, "push", payload);

    const commit = await CommitModel.findOne({ sha: "6113728f27ae82c7b1a177c8d03f9e96e0adf246" }).lean();
    expect(commit).toMatchObject({
      repositoryId: HELLO_WORLD,
      installationId: 957387,
      messageHeadline: "Initial commit",
      author: { name: "Codertocat", email: "21031067+Codertocat@users.noreply.github.com", date: new Date("2019-05-15T15:19:25Z") },
      onDefaultBranch: true,
    });
    // A push payload knows neither line counts nor the author's GitHub user: stored as unknown, not as zero.
    expect([commit?.additions, commit?.author.user]).toEqual([null, null]);
    expect(await reposBackfillQueued()).toBeTruthy();
  });

  it("stores a force-push's new commits and asks the backfill to walk the branch again", async () => {
    const forced = branchPush();
    forced.forced = true;
    forced.commits[0]!.id = "ffffffffffffffffffffffffffffffffffffffff";
    await deliver(probot, "push", forced);

    expect(await CommitModel.exists({ sha: "ffffffffffffffffffffffffffffffffffffffff" })).toBeTruthy();
    expect(await reposBackfillQueued()).toBeTruthy();
  });

  it("ignores pushes to other branches and tags", async () => {
    const otherBranch = branchPush();
    otherBranch.ref = "refs/heads/feature";
    await deliver(probot, "push", otherBranch);
    await deliver(probot, "push", inInstallation(examplePayload("push", (p) => p.ref === "refs/tags/simple-tag" && !p.deleted)));

    expect(await CommitModel.countDocuments()).toBe(0);
    expect(await reposBackfillQueued()).toBeNull();
  });
});

describe("create and delete", () => {
  it("stores nothing for branches and tags", async () => {
    await deliver(probot, "create", inInstallation(examplePayload("create")));
    await deliver(probot, "delete", inInstallation(examplePayload("delete")));

    expect(await CommitModel.countDocuments()).toBe(0);
    expect(await JobModel.countDocuments()).toBe(0);
  });
});
