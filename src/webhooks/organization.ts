import type { Context } from "probot";
import type { WebhookRegistry } from "./event-dispatcher.js";
import { userRef } from "../domain/github-values.js";
import { renameAccount } from "../storage/integrations.js";
import { markMemberRemoved, saveMembers } from "../storage/members.js";
import { renameOwner } from "../storage/repositories.js";
import { whenIntegrationActive } from "./ingestion-gate.js";

type Installation = { installationId: number };

/** Organization membership, to resolve identities: joins (with their role) and departures, and org renames. */
async function organizationChanged(context: Context<"organization">, { installationId }: Installation) {
  const { payload } = context;
  if (payload.action === "member_added" && payload.membership.user) {
    const { id: userId, login } = payload.membership.user;
    await saveMembers(installationId, [{ userId, login, role: payload.membership.role }], new Date());
  } else if (payload.action === "member_removed" && payload.membership.user) {
    await markMemberRemoved(installationId, payload.membership.user.id, new Date());
  } else if (payload.action === "renamed") {
    // Records are keyed by ids; only the names that embed the login follow (as for installation_target.renamed).
    const to = payload.organization.login;
    await renameAccount(installationId, payload.changes?.login?.from ?? to, to);
    await renameOwner(installationId, to);
  }
  context.log.debug({ installationId, action: payload.action }, "organization event handled");
}

/**
 * A user added to a team is an organization member; leaving a team is not leaving the organization, so removals
 * store nothing. `member` events (repository collaborators, possibly outside the organization) are not subscribed.
 */
async function teamMembershipChanged(context: Context<"membership">, { installationId }: Installation) {
  const member = userRef(context.payload.member);
  if (context.payload.action === "added" && member) await saveMembers(installationId, [{ userId: member.id, login: member.login }], new Date());
}

export function organizationHandlers(app: WebhookRegistry): void {
  app.on("organization", whenIntegrationActive(organizationChanged));
  app.on("membership", whenIntegrationActive(teamMembershipChanged));
}
