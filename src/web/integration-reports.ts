import type { Role } from "../domain/access.js";
import type { ActivityKind } from "../domain/activity.js";
import type { GitHubLinks } from "../domain/github-links.js";
import {
  countByState,
  filterRepositoryImports,
  groupByOwner,
  repositoryImports,
  type RepositoryFilter,
} from "../domain/repository-imports.js";
import { diagnose, type Problem } from "../domain/troubleshooting.js";
import { findConnectionCheck } from "../storage/connection-checks.js";
import type { StoredIntegration } from "../storage/integrations.js";
import { listImportStatuses } from "../storage/import-statuses.js";
import { SERVICES, type Service } from "../storage/models/import-status.js";
import { listRepositories } from "../storage/repositories.js";
import { countStoredByRepository } from "../storage/stored-counts.js";
import { auditActivity, type AuditActivity } from "./audit-activity.js";
import { deliveryActivity, isFailing, type DeliveryActivity } from "./delivery-activity.js";

// What the pages and the JSON API show about an integration, read from the database in one place.

const enabledServices = (integration: StoredIntegration): Service[] => SERVICES.filter((service) => integration.services[service]);

export async function troubleshoot(integration: StoredIntegration, links: GitHubLinks): Promise<Problem[]> {
  const repositories = await listRepositories(integration.installationId);
  return diagnose({
    integration,
    grantedRepositories: repositories.filter((repo) => repo.granted).length,
    lostRepositories: repositories.filter((repo) => !repo.granted && !repo.deletedAt).map((repo) => repo.fullName),
    lastCheck: await findConnectionCheck(integration.installationId),
    links,
  });
}

export async function summarize(integration: StoredIntegration, role: Role, links: GitHubLinks) {
  const [granted, statuses, problems] = await Promise.all([
    listRepositories(integration.installationId, { granted: true }),
    listImportStatuses({ installationId: integration.installationId }),
    troubleshoot(integration, links),
  ]);
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

export async function repositoryReport(integration: StoredIntegration, filter: RepositoryFilter) {
  const [repositories, statuses] = await Promise.all([
    listRepositories(integration.installationId, { granted: true }),
    listImportStatuses({ installationId: integration.installationId }),
  ]);
  const stored = await countStoredByRepository(repositories.map((repo) => repo.githubId));
  const imports = repositoryImports(repositories, statuses, enabledServices(integration), stored);
  const shown = filterRepositoryImports(imports, filter);
  return { counts: countByState(imports), total: imports.length, groups: groupByOwner(shown) };
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
