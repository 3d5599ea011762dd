import type { ConnectionCheck } from "../storage/models/connection-check.js";
import type { Integration } from "../storage/models/integration.js";
import { appDeliveriesUrl, installAppUrl, installationSettingsUrl, RATE_LIMIT_DOCS_URL, type GitHubLinks } from "./github-links.js";
import { missingPermissions } from "./permissions-check.js";

export type ProblemCode =
  | "uninstalled"
  | "suspended"
  | "permissions_pending"
  | "no_repositories"
  | "repositories_lost"
  | "connection_failed"
  | "deliveries_failing"
  | "rate_limit_exhausted";

export interface Problem {
  code: ProblemCode;
  title: string;
  detail: string;
  fix: string;
  link: { href: string; label: string };
}

export interface DiagnosisInput {
  integration: Pick<Integration, "installationId" | "status" | "repositorySelection" | "account"> & {
    permissions: Map<string, string> | Record<string, string>;
  };
  grantedRepositories: number;
  /** Repositories that were granted once and are no longer (removed from the selection), by full name. */
  lostRepositories: string[];
  lastCheck: Pick<ConnectionCheck, "checkedAt" | "error" | "rateLimit" | "failedDeliveries"> | null;
  links: GitHubLinks;
  now?: Date;
}

/** Every problem that keeps an integration from delivering data, each with its fix and where on GitHub to make it. */
export function diagnose({ integration, grantedRepositories, lostRepositories, lastCheck, links, now = new Date() }: DiagnosisInput): Problem[] {
  const settings = { href: installationSettingsUrl(links, integration.account, integration.installationId), label: "Open the installation's settings on GitHub" };
  if (integration.status === "uninstalled") {
    return [
      {
        code: "uninstalled",
        title: "The app was uninstalled",
        detail: `Tributary no longer has access to ${integration.account.login}; nothing is imported.`,
        fix: "Install the app again. The new installation appears here by itself as a new integration.",
        link: { href: installAppUrl(links), label: "Install the app on GitHub" },
      },
    ];
  }
  const problems: Problem[] = [];
  if (integration.status === "suspended") {
    problems.push({
      code: "suspended",
      title: "The installation is suspended",
      detail: "GitHub refuses tokens for a suspended installation, so no data is imported and no webhooks arrive.",
      fix: "An owner of the account unsuspends the installation in its settings on GitHub.",
      link: settings,
    });
  }
  const permissions = integration.permissions instanceof Map ? Object.fromEntries(integration.permissions) : integration.permissions;
  const missing = missingPermissions(permissions);
  if (missing.length > 0) {
    problems.push({
      code: "permissions_pending",
      title: "New permissions await acceptance",
      detail: `The installation does not grant ${missing.join(", ")}, which the app needs.`,
      fix: "An owner reviews and accepts the app's permission request in the installation's settings.",
      link: settings,
    });
  }
  if (integration.repositorySelection === "selected" && grantedRepositories === 0) {
    problems.push({
      code: "no_repositories",
      title: "No repositories are selected",
      detail: "The installation is limited to selected repositories and none is selected, so there is nothing to import.",
      fix: "Select repositories (or all repositories) under Repository access in the installation's settings.",
      link: settings,
    });
  }
  if (lostRepositories.length > 0) {
    problems.push({
      code: "repositories_lost",
      title: `${lostRepositories.length} ${lostRepositories.length === 1 ? "repository was" : "repositories were"} removed from the selection`,
      detail: `No longer imported: ${lostRepositories.slice(0, 10).join(", ")}${lostRepositories.length > 10 ? ", …" : ""}.`,
      fix: "If that was not intended, add them again under Repository access in the installation's settings.",
      link: settings,
    });
  }
  if (lastCheck?.error && integration.status === "active") {
    problems.push({
      code: "connection_failed",
      title: "The last connection test failed",
      detail: lastCheck.error,
      fix: "Check the installation on GitHub, then run Test connection again.",
      link: settings,
    });
  }
  if (lastCheck?.failedDeliveries) {
    problems.push({
      code: "deliveries_failing",
      title: "Webhook deliveries are failing",
      detail: `GitHub reports ${lastCheck.failedDeliveries} failed recent ${lastCheck.failedDeliveries === 1 ? "delivery" : "deliveries"} for this installation.`,
      fix: "Check that the webhook URL reaches Tributary and the webhook secret matches, then redeliver the failed deliveries.",
      link: { href: appDeliveriesUrl(links), label: "Open the app's recent deliveries on GitHub" },
    });
  }
  const rateLimit = lastCheck?.rateLimit;
  if (rateLimit && rateLimit.remaining === 0 && rateLimit.resetAt && rateLimit.resetAt > now) {
    problems.push({
      code: "rate_limit_exhausted",
      title: "The GitHub API rate limit is exhausted",
      detail: `No requests left until ${rateLimit.resetAt.toISOString()}; imports pause until then.`,
      fix: "Nothing to do: imports resume by themselves when the limit resets. Turning off unneeded services lowers usage.",
      link: { href: RATE_LIMIT_DOCS_URL, label: "GitHub's rate limits" },
    });
  }
  return problems;
}
