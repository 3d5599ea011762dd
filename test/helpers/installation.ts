import type { InstallationCreatedEvent } from "@octokit/webhooks-types";
import type { Probot } from "probot";
import { deliver } from "./probot.js";
import { examplePayload } from "./webhooks.js";
import type { ScriptedRepository } from "./scripted-github.js";

/** The real installation.created example, re-targeted at an organization owning the given repositories. */
export function organizationInstalled(installationId: number, login: string, repositories: ScriptedRepository[]): InstallationCreatedEvent {
  const payload = examplePayload("installation", (p) => p.action === "created" && !("requester" in p && p.requester)) as InstallationCreatedEvent;
  payload.installation.id = installationId;
  payload.installation.account = { ...payload.installation.account, login, id: installationId * 10, type: "Organization" };
  payload.installation.target_type = "Organization";
  payload.repositories = repositories.map((repo) => ({
    id: repo.id,
    node_id: `R_${repo.id}`,
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    private: true,
  }));
  return payload;
}

export async function installOrganization(probot: Probot, installationId: number, login: string, repositories: ScriptedRepository[]) {
  await deliver(probot, "installation", organizationInstalled(installationId, login, repositories));
}
