import type { Role } from "../domain/access.js";
import type { ActivityKind } from "../domain/activity.js";
import type { GitHubLinks } from "../domain/github-links.js";
import { importJobs } from "../backfill/control.js";
import { overallProgress } from "../domain/import-progress.js";
import {
  groupByOwner,
  pageOfRepositories,
  REPOSITORIES_PER_PAGE,
  repositoryImports,
  type RepositoryFilter,
  type RepositoryImport,
} from "../domain/repository-imports.js";
import { diagnose, type Problem } from "../domain/troubleshooting.js";
import { findConnectionCheck } from "../storage/connection-checks.js";
import type { StoredIntegration } from "../storage/integrations.js";
import { listImportProgress } from "../storage/import-statuses.js";
import { SERVICES, type Service } from "../storage/models/import-status.js";
import { listRepositories } from "../storage/repositories.js";
import { auditActivity, type AuditActivity } from "./audit-activity.js";
import { deliveryActivity, isFailing, type DeliveryActivity } from "./delivery-activity.js";

// What the pages and the JSON API show about an integration, read from the database in one place.

const enabledServices = (integration: StoredIntegration): Service[] => SERVICES.filter((service) => integration.services[service]);

type ListedRepository = Awaited<ReturnType<typeof listRepositories>>[number];

/** `repositories`: the installation's, granted or not, when the caller has them already. */
export async function troubleshoot(integration: StoredIntegration, links: GitHubLinks, repositories?: ListedRepository[]): Promise<Problem[]> {
  repositories ??= await listRepositories(integration.installationId);
  return diagnose({
    integration,
    grantedRepositories: repositories.filter((repo) => repo.granted).length,
    lostRepositories: repositories.filter((repo) => !repo.granted && !repo.deletedAt).map((repo) => repo.fullName),
    lastCheck: await findConnectionCheck(integration.installationId),
    links,
  });
}

/** What every page of the integration shows at its top: read once per page, from small documents. */
export async function summarize(integration: StoredIntegration, role: Role, links: GitHubLinks) {
  const [repositories, statuses] = await Promise.all([listRepositories(integration.installationId), listImportProgress(integration.installationId)]);
  const problems = await troubleshoot(integration, links, repositories);
  const granted = repositories.filter((repo) => repo.granted);
  const synced = statuses.map((status) => status.lastSyncedAt?.getTime() ?? 0).filter((time) => time > 0);
  return {
    installationId: integration.installationId,
    name: integration.name,
    account: { login: integration.account.login, type: integration.account.type, avatarUrl: integration.account.avatarUrl ?? null },
    status: integration.status,
    services: { repos: integration.services.repos, pullRequests: integration.services.pullRequests, tickets: integration.services.tickets },
    repositorySelection: integration.repositorySelection,
    repositoryCount: granted.length,
    lastSyncedAt: synced.length > 0 ? new Date(Math.max(...synced)) : null,
    problemCount: problems.length,
    role,
  };
}

export type IntegrationSummary = Awaited<ReturnType<typeof summarize>>;

/**
 * The integration's repositories with their imports, as the Repositories page lists them: the installation's
 * repositories and import statuses (small documents, one per repository and service, carrying the stored counts),
 * and the queue's jobs of the repositories shown (`shown` picks them from the page). The cost follows the
 * repositories, never the records stored.
 */
async function repositoryImportsOf(integration: StoredIntegration, filter: RepositoryFilter, shown: (page: RepositoryImport[]) => number[]) {
  const enabled = enabledServices(integration);
  const [repositories, statuses] = await Promise.all([
    listRepositories(integration.installationId, { granted: true }),
    listImportProgress(integration.installationId),
  ]);
  const now = new Date();
  const listed = pageOfRepositories(repositoryImports(repositories, statuses, enabled), filter);
  const shownIds = new Set(shown(listed.repositories));
  const jobs = await importJobs([...shownIds], enabled);
  const detailed = repositoryImports(
    repositories.filter((repo) => shownIds.has(repo.githubId)),
    statuses,
    enabled,
    { jobs, now },
  );
  return { listed, detailed, overall: overallProgress(statuses.filter((status) => enabled.includes(status.service)), now) };
}

/** A page of the integration's repositories with their imports, counts by state, and the overall progress. */
export async function repositoryReport(integration: StoredIntegration, filter: RepositoryFilter) {
  const { listed, detailed, overall } = await repositoryImportsOf(integration, filter, (page) => page.map((repo) => repo.githubId));
  const byId = new Map(detailed.map((repo) => [repo.githubId, repo]));
  return {
    counts: listed.counts,
    total: listed.total,
    page: listed.page,
    pageCount: listed.pageCount,
    perPage: REPOSITORIES_PER_PAGE,
    overall,
    groups: groupByOwner(listed.repositories.map((repo) => byId.get(repo.githubId)!)),
  };
}

/**
 * The live part of the Repositories page: the repositories on screen (whether or not they still match its filter:
 * rows are updated in place), the counts by state and the overall progress.
 */
export async function repositoryProgress(integration: StoredIntegration, filter: RepositoryFilter, repositoryIds: number[]) {
  const { listed, detailed, overall } = await repositoryImportsOf(integration, filter, () => repositoryIds);
  return { counts: listed.counts, repositories: detailed, overall };
}

export type RepositoryReport = Awaited<ReturnType<typeof repositoryReport>>;

/** Which audit entries and deliveries each kind of activity lists. */
const ACTIVITY_FILTERS: Record<ActivityKind, { audit: (entry: AuditActivity) => boolean; deliveries: (delivery: DeliveryActivity) => boolean }> = {
  all: { audit: () => true, deliveries: () => true },
  people: { audit: (entry) => entry.origin === "person", deliveries: () => false },
  github: { audit: (entry) => entry.origin !== "person", deliveries: () => true },
  failed: { audit: () => false, deliveries: isFailing },
};

export async function activityReport(integration: StoredIntegration, kind: ActivityKind = "all") {
  const filter = ACTIVITY_FILTERS[kind];
  const [audit, { deadCount, deliveries }] = await Promise.all([auditActivity(integration.audit ?? []), deliveryActivity(integration.installationId)]);
  return { kind, audit: audit.filter(filter.audit), deadCount, deliveries: deliveries.filter(filter.deliveries) };
}

export type ActivityReport = Awaited<ReturnType<typeof activityReport>>;
