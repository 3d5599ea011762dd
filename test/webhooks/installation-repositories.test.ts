import type { InstallationRepositoriesEvent } from "@octokit/webhooks-types";
import { beforeEach, describe, expect, it } from "vitest";
import { RepositoryModel } from "../../src/storage/models/repository.js";
import { clearDatabase } from "../helpers/database.js";
import { createTestProbot, deliver } from "../helpers/probot.js";
import { storedIntegration, storedRepository } from "../helpers/records.js";
import { exampleAction, examplePayload } from "../helpers/webhooks.js";

const probot = createTestProbot();
const created = () => examplePayload("installation", (p) => p.action === "created" && !("requester" in p && p.requester));
const SPACE = 186853007;
const HELLO_WORLD = 186853002;

/** The same installation later removing the repository it had added (the real `removed` example is another org). */
function removedSpace(updatedAt: string): InstallationRepositoriesEvent {
  const added = exampleAction("installation_repositories", "added");
  return {
    ...added,
    action: "removed",
    installation: { ...added.installation, updated_at: updatedAt },
    repositories_added: [],
    repositories_removed: added.repositories_added,
  } as InstallationRepositoriesEvent;
}

beforeEach(clearDatabase);

describe("installation_repositories", () => {
  it("grants added repositories to the integration", async () => {
    await deliver(probot, "installation", created());
    const deliveryId = await deliver(probot, "installation_repositories", exampleAction("installation_repositories", "added"));

    expect(await storedRepository(SPACE)).toMatchObject({ fullName: "Codertocat/Space", installationId: 957387, granted: true });
    expect(await storedRepository(HELLO_WORLD)).toMatchObject({ granted: true });
    const audit = (await storedIntegration(957387)).audit.at(-1);
    expect(audit).toMatchObject({
      action: "installation_repositories.added",
      deliveryId,
      actor: { login: "Codertocat" },
      repositories: [{ id: SPACE, fullName: "Codertocat/Space" }],
    });
  });

  it("withdraws the grant of removed repositories but keeps their records", async () => {
    await deliver(probot, "installation", exampleAction("installation", "deleted"));
    await deliver(probot, "installation_repositories", exampleAction("installation_repositories", "removed"));

    expect(await storedRepository(1296269)).toMatchObject({ fullName: "octocat/Hello-World", granted: false });
    expect((await storedIntegration(2)).audit.at(-1)).toMatchObject({
      action: "installation_repositories.removed",
      repositories: [{ id: 1296269, fullName: "octocat/Hello-World" }],
    });
  });

  it("follows a switch of the repository selection between selected and all", async () => {
    await deliver(probot, "installation", created());
    const toAll = removedSpace("2019-06-01T00:00:00Z");
    toAll.repository_selection = "all";
    await deliver(probot, "installation_repositories", toAll);

    expect((await storedIntegration(957387)).repositorySelection).toBe("all");
  });

  it("creates the integration from a repositories event that arrives before installation.created", async () => {
    await deliver(probot, "installation_repositories", exampleAction("installation_repositories", "added"));
    expect((await storedIntegration(957387)).status).toBe("active");

    await deliver(probot, "installation", created());
    const integration = await storedIntegration(957387);
    expect(integration.sender).toEqual({ id: 21031067, login: "Codertocat" });
    expect(await RepositoryModel.find({ installationId: 957387, granted: true }).countDocuments()).toBe(2);
  });

  it("does not let a late event undo a newer grant change", async () => {
    await deliver(probot, "installation_repositories", removedSpace("2019-06-01T00:00:00Z"));
    await deliver(probot, "installation_repositories", exampleAction("installation_repositories", "added"));

    expect(await storedRepository(SPACE)).toMatchObject({ granted: false });
  });
});
