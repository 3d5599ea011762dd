import { beforeEach, describe, expect, it } from "vitest";
import { gitHubTime } from "../../src/domain/installation.js";
import { IntegrationModel } from "../../src/storage/models/integration.js";
import { JobModel } from "../../src/storage/models/job.js";
import { PullRequestModel } from "../../src/storage/models/pull-request.js";
import { DeliveryModel } from "../../src/storage/models/delivery.js";
import { clearDatabase } from "../helpers/database.js";
import { INSTALLATION_ID, inInstallation, ingestedData, install } from "../helpers/ingestion.js";
import { createTestProbot, deliver } from "../helpers/probot.js";
import { exampleAction, examplePayload } from "../helpers/webhooks.js";

const probot = createTestProbot();

/** One event of each ingested kind for Hello-World, and a new member. */
async function deliverOneOfEach(installationId = INSTALLATION_ID) {
  await deliver(probot, "pull_request", inInstallation(exampleAction("pull_request", "opened"), installationId));
  await deliver(probot, "pull_request_review", inInstallation(exampleAction("pull_request_review", "submitted"), installationId));
  await deliver(probot, "pull_request_review_comment", inInstallation(exampleAction("pull_request_review_comment", "created"), installationId));
  await deliver(probot, "issues", inInstallation(exampleAction("issues", "opened"), installationId));
  await deliver(probot, "push", inInstallation(examplePayload("push", (p) => p.ref === "refs/heads/master" && p.commits.length === 1), installationId));
  await deliver(probot, "organization", inInstallation(examplePayload("organization", (p) => p.action === "member_added"), installationId));
}

const installedOnly = { pullRequests: [], reviews: [], tickets: [], commits: [], members: [] };

beforeEach(async () => {
  await clearDatabase();
  await install(probot);
});

describe("events the integration may not store", () => {
  it("stores one of each when everything is granted and on (the baseline the rules below take away from)", async () => {
    await deliverOneOfEach();
    const data = await ingestedData();
    expect([data.pullRequests, data.reviews, data.tickets, data.commits, data.members].map((records) => records.length)).toEqual([1, 1, 1, 1, 1]);
  });

  it("ignores a repository the installation does not grant, but acknowledges the delivery", async () => {
    const ungranted = inInstallation(exampleAction("repository", "renamed"));
    const pullRequest = inInstallation(exampleAction("pull_request", "opened"));
    pullRequest.repository = { ...pullRequest.repository, id: ungranted.repository.id };
    const deliveryId = await deliver(probot, "pull_request", pullRequest);

    expect((await ingestedData()).pullRequests).toEqual([]);
    expect(await DeliveryModel.exists({ _id: deliveryId })).toBeTruthy();
  });

  it("stores an event from before its repository was removed from the installation, though the removal came first", async () => {
    const example = exampleAction("installation_repositories", "removed");
    const removed = { ...example, installation: { ...example.installation, id: INSTALLATION_ID } };
    const pullRequest = inInstallation(exampleAction("pull_request", "opened"));
    const repository = removed.repositories_removed[0]!;
    pullRequest.repository = { ...pullRequest.repository, id: repository.id, name: repository.name, full_name: repository.full_name };
    const removedAt = gitHubTime(removed.installation.updated_at);
    const before = { ...pullRequest, pull_request: { ...pullRequest.pull_request, id: 1, updated_at: new Date(removedAt.getTime() - 60_000).toISOString() } };
    const after = { ...pullRequest, pull_request: { ...pullRequest.pull_request, id: 2, number: 2, updated_at: new Date(removedAt.getTime() + 60_000).toISOString() } };

    await deliver(probot, "installation_repositories", removed);
    await deliver(probot, "pull_request", before);
    await deliver(probot, "pull_request", after);

    expect((await PullRequestModel.find({}, { githubId: 1 }).lean()).map(({ githubId }) => githubId)).toEqual([1]);
  });

  it("ignores a service that is off and keeps storing the others", async () => {
    await IntegrationModel.updateOne({ installationId: INSTALLATION_ID }, { "services.pullRequests": false, "services.repos": false });
    await deliverOneOfEach();

    const data = await ingestedData();
    expect({ pullRequests: data.pullRequests, reviews: data.reviews, commits: data.commits }).toEqual({ pullRequests: [], reviews: [], commits: [] });
    expect([data.tickets.length, data.members.length]).toEqual([1, 1]);
    expect(await JobModel.countDocuments()).toBe(0);
  });

  it.each(["suspended", "uninstalled"])("stores nothing for a %s integration", async (status) => {
    await IntegrationModel.updateOne({ installationId: INSTALLATION_ID }, { status });
    await deliverOneOfEach();
    expect(await ingestedData()).toMatchObject(installedOnly);
  });

  it("stores nothing for an installation it does not know", async () => {
    await deliverOneOfEach(4242);
    expect(await ingestedData()).toMatchObject(installedOnly);
  });
});
