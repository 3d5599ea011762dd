import type { Probot } from "probot";
import { missingPermissions } from "../domain/permissions-check.js";
import { saveConnectionCheck } from "../storage/connection-checks.js";
import { countDeadDeliveries } from "../storage/deliveries.js";
import { recordInstallationSnapshot } from "../storage/integrations.js";
import type { ConnectionCheck } from "../storage/models/connection-check.js";
import type { Integration } from "../storage/models/integration.js";
import { isStatus } from "./user-github.js";

export interface ConnectionReport {
  ok: boolean;
  /** Whether GitHub issued an installation token at all (not when suspended or uninstalled). */
  reachable: boolean;
  /** "Successfully connected to <account>", or the exact problem. */
  message: string;
  checkedAt: Date;
  repositories: string[];
  missingPermissions: string[];
  rateLimit: { limit: number; remaining: number; resetAt: Date } | null;
  failedDeliveries: {
    /** This installation's recent deliveries GitHub could not make (Tributary asks for them again); null if GitHub will not say. */
    github: number | null;
    /** Deliveries stored in the inbox whose processing failed on every attempt (an owner retries them from Activity). */
    dead: number;
  };
}

/** What talking to GitHub found; the inbox's dead deliveries are counted beside it. */
type GitHubFindings = Omit<ConnectionReport, "failedDeliveries"> & { failedOnGitHub: number | null };

type Octokit = Awaited<ReturnType<Probot["auth"]>>;

const succeeded = (statusCode: number) => statusCode >= 200 && statusCode < 300;

/**
 * Deliveries GitHub could not make, among the app's recent ones for this installation; null if GitHub will not say.
 * GitHub lists every attempt, and a redelivery keeps the delivery's guid: a guid with a successful attempt was
 * delivered in the end, so only guids whose attempts all failed count.
 */
async function failedOnGitHub(appOctokit: Octokit, installationId: number): Promise<number | null> {
  let attempts;
  try {
    attempts = (await appOctokit.rest.apps.listWebhookDeliveries({ per_page: 100 })).data.filter((attempt) => attempt.installation_id === installationId);
  } catch {
    return null;
  }
  const delivered = new Set(attempts.filter((attempt) => succeeded(attempt.status_code)).map((attempt) => attempt.guid));
  return new Set(attempts.map((attempt) => attempt.guid).filter((guid) => !delivered.has(guid))).size;
}

const unreachable = (message: string): GitHubFindings => ({
  ok: false,
  reachable: false,
  message,
  checkedAt: new Date(),
  repositories: [],
  missingPermissions: [],
  rateLimit: null,
  failedOnGitHub: null,
});

/**
 * Talks to GitHub as the installation: reads it with the app's JWT (refreshing the stored snapshot), mints an
 * installation token, lists the repositories it reaches and the rate limit left, compares granted with required
 * permissions, and counts failed deliveries on both sides. The result is kept for troubleshooting.
 */
export async function testConnection(probot: Probot, integration: Pick<Integration, "installationId" | "account">): Promise<ConnectionReport> {
  const { installationId, account } = integration;
  const { failedOnGitHub, ...found } = await runCheck(probot, installationId, account.login);
  const result: ConnectionReport = { ...found, failedDeliveries: { github: failedOnGitHub, dead: await countDeadDeliveries(installationId) } };
  await saveConnectionCheck({
    installationId,
    checkedAt: result.checkedAt,
    ok: result.ok,
    error: result.reachable ? null : result.message,
    accessibleRepositories: result.reachable ? result.repositories.length : null,
    missingPermissions: result.missingPermissions,
    rateLimit: result.rateLimit,
    // Troubleshooting's "deliveries failing" is about GitHub's side: dead ones are listed on Activity.
    failedDeliveries: failedOnGitHub,
  } satisfies ConnectionCheck);
  return result;
}

async function runCheck(probot: Probot, installationId: number, login: string): Promise<GitHubFindings> {
  const appOctokit = await probot.auth();
  let installation;
  try {
    installation = (await appOctokit.rest.apps.getInstallation({ installation_id: installationId })).data;
  } catch (error) {
    if (isStatus(error, 404)) return unreachable(`The app is no longer installed on ${login}`);
    throw error;
  }
  await recordInstallationSnapshot(installation);
  if (installation.suspended_at) {
    return unreachable(`The installation on ${login} is suspended: GitHub refuses it tokens`);
  }
  const octokit = await probot.auth(installationId);
  const repositories = await octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, { per_page: 100 });
  const { data: limits } = await octokit.rest.rateLimit.get();
  const core = limits.resources.core;
  const rateLimit = { limit: core.limit, remaining: core.remaining, resetAt: new Date(core.reset * 1000) };
  const missing = missingPermissions(installation.permissions as Record<string, string>);
  const problems = [
    missing.length > 0 && `permissions awaiting acceptance: ${missing.join(", ")}`,
    repositories.length === 0 && "no repositories are accessible",
    rateLimit.remaining === 0 && `rate limit exhausted until ${rateLimit.resetAt.toISOString()}`,
  ].filter((problem): problem is string => Boolean(problem));
  return {
    ok: problems.length === 0,
    reachable: true,
    checkedAt: new Date(),
    message: problems.length === 0 ? `Successfully connected to ${login}` : `Connected to ${login}, but ${problems.join("; ")}`,
    repositories: repositories.map((repo) => repo.full_name),
    missingPermissions: missing,
    rateLimit,
    failedOnGitHub: await failedOnGitHub(appOctokit, installationId),
  };
}
