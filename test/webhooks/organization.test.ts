import type { OrganizationEvent, OrganizationRenamedEvent } from "@octokit/webhooks-types";
import { beforeEach, describe, expect, it } from "vitest";
import { MemberModel } from "../../src/storage/models/member.js";
import { clearDatabase } from "../helpers/database.js";
import { HELLO_WORLD, INSTALLATION_ID, inInstallation, install } from "../helpers/ingestion.js";
import { createTestProbot, deliver } from "../helpers/probot.js";
import { storedIntegration, storedRepository } from "../helpers/records.js";
import { exampleAction, examplePayload } from "../helpers/webhooks.js";

const probot = createTestProbot();
const memberAdded = () => inInstallation(examplePayload("organization", (p) => p.action === "member_added"));
const member = (userId: number) => MemberModel.findOne({ installationId: INSTALLATION_ID, userId }).lean();

beforeEach(async () => {
  await clearDatabase();
  await install(probot);
});

describe("organization", () => {
  it("records a member who joined, with their role, by GitHub id, and keeps them when they leave", async () => {
    await deliver(probot, "organization", memberAdded());
    expect(await member(39652351)).toMatchObject({ login: "hacktocat", role: "member", active: true });

    await deliver(probot, "organization", { ...memberAdded(), action: "member_removed" } as OrganizationEvent);
    expect(await member(39652351)).toMatchObject({ login: "hacktocat", active: false });
  });

  it("follows an organization rename in the integration and its repositories' names", async () => {
    const renamed = inInstallation(exampleAction("organization", "renamed") as OrganizationRenamedEvent);
    renamed.changes = { login: { from: "Codertocat" } };
    renamed.organization.login = "Codertocorp";
    await deliver(probot, "organization", renamed);

    expect((await storedIntegration(INSTALLATION_ID)).account.login).toBe("Codertocorp");
    expect(await storedRepository(HELLO_WORLD)).toMatchObject({ fullName: "Codertocorp/Hello-World" });
  });
});

describe("membership", () => {
  it("records a user added to a team as a member, and a team departure changes nothing", async () => {
    await deliver(probot, "membership", inInstallation(exampleAction("membership", "added")));
    const added = await member(21031067);
    expect(added).toMatchObject({ login: "Codertocat", active: true });
    expect(added?.role ?? null).toBeNull();

    await deliver(probot, "membership", inInstallation(exampleAction("membership", "removed")));
    expect(await member(21031067)).toMatchObject({ active: true });
  });
});
