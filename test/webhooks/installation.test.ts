import type { InstallationCreatedEvent, InstallationEvent } from "@octokit/webhooks-types";
import { beforeEach, describe, expect, it } from "vitest";
import { IntegrationModel } from "../../src/storage/models/integration.js";
import { clearDatabase } from "../helpers/database.js";
import { createTestProbot, deliver } from "../helpers/probot.js";
import { storedIntegration, storedRepository } from "../helpers/records.js";
import { exampleAction, examplePayload } from "../helpers/webhooks.js";

const probot = createTestProbot();
const created = () => examplePayload("installation", (p) => p.action === "created" && !("requester" in p && p.requester));
const createdOnRequest = () => examplePayload("installation", (p) => p.action === "created" && Boolean("requester" in p && p.requester));

/** The real `deleted` example's installation, as it looked when it was created. */
function createdFromDeletedExample(): InstallationCreatedEvent {
  const { installation, repositories, sender } = exampleAction("installation", "deleted");
  return { action: "created", installation, repositories, sender };
}

function later(payload: InstallationEvent, isoTime: string) {
  payload.installation.updated_at = isoTime;
  return payload;
}

beforeEach(clearDatabase);

describe("installation.created", () => {
  it("creates an active integration for the account with all services on and the granted repositories", async () => {
    const payload = created();
    const deliveryId = await deliver(probot, "installation", payload);

    const integration = await storedIntegration(957387);
    expect(integration).toMatchObject({
      account: { id: 21031067, login: "Codertocat", type: "User", avatarUrl: payload.installation.account.avatar_url },
      repositorySelection: "selected",
      status: "active",
      name: "Codertocat",
      services: { repos: true, pullRequests: true, tickets: true },
      sender: { id: 21031067, login: "Codertocat" },
      requester: null,
    });
    expect(integration.permissions).toEqual(payload.installation.permissions);
    expect(integration.events).toEqual(payload.installation.events);
    expect(integration.audit).toEqual([
      {
        action: "installation.created",
        actor: { id: 21031067, login: "Codertocat" },
        at: new Date(1557933591_000),
        deliveryId,
        repositories: [{ id: 186853002, fullName: "Codertocat/Hello-World" }],
      },
    ]);
    expect(await storedRepository(186853002)).toMatchObject({
      nodeId: "MDEwOlJlcG9zaXRvcnkxODY4NTMwMDI=",
      installationId: 957387,
      fullName: "Codertocat/Hello-World",
      visibility: "public",
      archived: false,
      granted: true,
    });
  });

  it("records who requested the installation when a member asked and an owner approved", async () => {
    await deliver(probot, "installation", createdOnRequest());

    const integration = await storedIntegration(957387);
    expect(integration.requester).toEqual({ id: 21031067, login: "Codertocat" });
    expect(integration.sender).toEqual({ id: 21031067, login: "Codertocat" });
  });
});

describe("installation.deleted", () => {
  it("marks the integration uninstalled, by whom and when, and keeps its data", async () => {
    await deliver(probot, "installation", createdFromDeletedExample());
    const deliveryId = await deliver(probot, "installation", exampleAction("installation", "deleted"));

    const integration = await storedIntegration(2);
    expect(integration.status).toBe("uninstalled");
    expect(integration.uninstalledBy).toEqual({ id: 1, login: "octocat" });
    expect(integration.uninstalledAt).toBeInstanceOf(Date);
    expect(integration.audit.map((entry) => [entry.action, entry.deliveryId])).toEqual([
      ["installation.created", expect.any(String)],
      ["installation.deleted", deliveryId],
    ]);
    expect(await storedRepository(1296269)).toMatchObject({ fullName: "octocat/Hello-World", granted: false });
  });
});

describe("installation.suspend and .unsuspend", () => {
  it("suspends the integration, recording who suspended it, and reactivates it", async () => {
    await deliver(probot, "installation", exampleAction("installation", "suspend"));
    const suspended = await storedIntegration(16598467);
    expect(suspended.status).toBe("suspended");
    expect(suspended.suspendedBy).toEqual({ id: 21031067, login: "Codertocat" });

    await deliver(probot, "installation", later(exampleAction("installation", "unsuspend"), "2021-04-29T10:00:00Z"));
    const active = await storedIntegration(16598467);
    expect(active.status).toBe("active");
    expect(active.suspendedBy).toBeNull();
    expect(active.audit.map((entry) => entry.action)).toEqual(["installation.suspend", "installation.unsuspend"]);
  });
});

describe("installation.new_permissions_accepted", () => {
  it("refreshes the granted permissions, events and repository selection", async () => {
    await deliver(probot, "installation", created());
    const accepted = later(exampleAction("installation", "new_permissions_accepted"), "2019-06-01T00:00:00Z");
    accepted.installation.permissions = { metadata: "read", contents: "read", members: "read" };
    accepted.installation.events = ["push", "member"];
    await deliver(probot, "installation", accepted);

    const integration = await storedIntegration(957387);
    expect(integration.permissions).toEqual({ metadata: "read", contents: "read", members: "read" });
    expect(integration.events).toEqual(["push", "member"]);
    expect(integration.repositorySelection).toBe("all");
    expect(integration.audit.at(-1)?.action).toBe("installation.new_permissions_accepted");
  });
});

describe("out of order and repeated deliveries", () => {
  it("keeps an integration uninstalled when a suspend arrives after its deletion", async () => {
    const deleted = exampleAction("installation", "deleted");
    const lateSuspend = { ...structuredClone(deleted), action: "suspend", installation: { ...deleted.installation, suspended_at: "2018-04-30T17:30:00Z" } };
    await deliver(probot, "installation", deleted);
    await deliver(probot, "installation", lateSuspend);

    expect((await storedIntegration(2)).status).toBe("uninstalled");
  });

  it("keeps the later of a suspend and an unsuspend that crossed in flight", async () => {
    await deliver(probot, "installation", later(exampleAction("installation", "unsuspend"), "2021-04-29T10:00:00Z"));
    await deliver(probot, "installation", exampleAction("installation", "suspend"));

    expect((await storedIntegration(16598467)).status).toBe("active");
  });

  it("keeps an uninstalled integration uninstalled when its `created` arrives last", async () => {
    await deliver(probot, "installation", exampleAction("installation", "deleted"));
    await deliver(probot, "installation", createdFromDeletedExample());

    const integration = await storedIntegration(2);
    expect(integration.status).toBe("uninstalled");
    expect(await storedRepository(1296269)).toMatchObject({ granted: false });
  });

  it("changes nothing when GitHub redelivers an event", async () => {
    const suspendId = await deliver(probot, "installation", exampleAction("installation", "suspend"));
    await deliver(probot, "installation", later(exampleAction("installation", "unsuspend"), "2021-04-29T10:00:00Z"));
    await deliver(probot, "installation", exampleAction("installation", "suspend"), suspendId);

    const integration = await storedIntegration(16598467);
    expect(integration.status).toBe("active");
    expect(integration.audit.map((entry) => entry.action)).toEqual(["installation.suspend", "installation.unsuspend"]);
    expect(await IntegrationModel.countDocuments()).toBe(1);
  });
});
