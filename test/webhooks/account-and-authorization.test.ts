import type { InstallationTargetRenamedEvent } from "@octokit/webhooks-types";
import { beforeEach, describe, expect, it } from "vitest";
import { findAuthorizationRevocation } from "../../src/storage/app-authorizations.js";
import { IntegrationModel } from "../../src/storage/models/integration.js";
import { clearDatabase } from "../helpers/database.js";
import { createTestProbot, deliver } from "../helpers/probot.js";
import { storedIntegration, storedRepository } from "../helpers/records.js";
import { examplePayload, exampleAction } from "../helpers/webhooks.js";

const probot = createTestProbot();
const created = () => examplePayload("installation", (p) => p.action === "created" && !("requester" in p && p.requester));

/** webhooks-examples has no installation_target sample; this one follows GitHub's documented shape (typed). */
function renamed(from: string, to: string): InstallationTargetRenamedEvent {
  const { installation, sender } = created();
  return {
    action: "renamed",
    account: { id: installation.account.id, login: to, node_id: installation.account.node_id, avatar_url: installation.account.avatar_url, html_url: `https://github.com/${to}` },
    changes: { login: { from } },
    installation: { id: installation.id, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uOTU3Mzg3" },
    target_type: "User",
    sender,
  };
}

beforeEach(clearDatabase);

describe("installation_target.renamed", () => {
  it("follows the account's new login by id, and the display name and repository names with it", async () => {
    await deliver(probot, "installation", created());
    await deliver(probot, "installation_target", renamed("Codertocat", "Octocorp"));

    const integration = await storedIntegration(957387);
    expect(integration.account).toMatchObject({ id: 21031067, login: "Octocorp" });
    expect(integration.name).toBe("Octocorp");
    expect(integration.audit.at(-1)).toMatchObject({ action: "installation_target.renamed", renamed: { from: "Codertocat", to: "Octocorp" } });
    expect(await storedRepository(186853002)).toMatchObject({ fullName: "Octocorp/Hello-World" });
  });

  it("keeps a name that someone chose", async () => {
    await deliver(probot, "installation", created());
    await IntegrationModel.updateOne({ installationId: 957387 }, { name: "Platform team" });
    await deliver(probot, "installation_target", renamed("Codertocat", "Octocorp"));

    expect((await storedIntegration(957387)).name).toBe("Platform team");
  });
});

describe("github_app_authorization.revoked", () => {
  it("records that the user withdrew their authorization and leaves installations alone", async () => {
    await deliver(probot, "installation", created());
    const deliveryId = await deliver(probot, "github_app_authorization", exampleAction("github_app_authorization", "revoked"));

    expect(await findAuthorizationRevocation(1)).toMatchObject({ login: "octocat", deliveryId });
    expect((await storedIntegration(957387)).status).toBe("active");
  });
});
