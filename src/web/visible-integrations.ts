import type { GitHubLinks } from "../domain/github-links.js";
import { findIntegration, findIntegrations, findUninstalledIntegrations } from "../storage/integrations.js";
import type { AccessControl } from "./access-control.js";
import { summarize } from "./integration-reports.js";
import { notFound } from "./http-error.js";
import type { GitHubUser } from "./user-github.js";

/**
 * The integrations a person may see: those whose installations GitHub lists for them, and uninstalled ones of the
 * same accounts (or their own user account), which GitHub no longer lists.
 */
export async function visibleIntegrations(access: AccessControl, user: GitHubUser) {
  const installed = await findIntegrations([...(await access.installationIds(user))]);
  const accountIds = [...new Set([user.id, ...installed.map((integration) => integration.account.id)])];
  const uninstalled = await findUninstalledIntegrations(accountIds);
  const known = new Set(installed.map((integration) => integration.installationId));
  return [...installed, ...uninstalled.filter((integration) => !known.has(integration.installationId))];
}

/** One integration the person may see, or 404 whether it does not exist or belongs to someone else. */
export async function visibleIntegration(access: AccessControl, user: GitHubUser, installationId: number) {
  const integration = await findIntegration(installationId);
  if (!integration) throw notFound();
  const visible =
    (await access.installationIds(user)).has(installationId) ||
    (integration.status === "uninstalled" && (await access.belongsTo(user, integration)));
  if (!visible) throw notFound();
  return integration;
}

/** The integrations list, with the person's role in each. */
export async function visibleSummaries(access: AccessControl, user: GitHubUser, links: GitHubLinks) {
  const integrations = await visibleIntegrations(access, user);
  return Promise.all(integrations.map(async (integration) => summarize(integration, await access.role(user, integration), links)));
}
