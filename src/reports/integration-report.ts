import { listRepositories } from "../storage/repositories.js";
import { readReportWeeks } from "../storage/report-rollups.js";
import { buildReport, type Report } from "./report.js";
import { weeksUntil } from "./weeks.js";

export interface ReportRequestScope {
  weeks: number;
  until: Date;
  /** A subset of the granted repositories; all of them when absent. */
  repositoryIds?: number[];
  personId?: number;
}

export interface IntegrationReport extends Report {
  repositories: { id: number; fullName: string; shown: boolean }[];
  personId: number | null;
}

/**
 * An integration's report: the weekly rollups of its granted repositories (or the chosen ones) for the weeks asked,
 * read by key — as many small documents as weeks × repositories, whatever the history.
 */
export async function integrationReport(installationId: number, request: ReportRequestScope): Promise<IntegrationReport> {
  const granted = await listRepositories(installationId, { granted: true });
  const chosen = request.repositoryIds ? new Set(request.repositoryIds) : null;
  const shown = granted.filter((repository) => !chosen || chosen.has(repository.githubId)).map((repository) => repository.githubId);
  const weeks = weeksUntil(request.until, request.weeks);
  const report = buildReport({ weeks, repositoryIds: shown, personId: request.personId }, await readReportWeeks(shown, weeks));
  return {
    ...report,
    repositories: granted.map((repository) => ({ id: repository.githubId, fullName: repository.fullName, shown: shown.includes(repository.githubId) })),
    personId: request.personId ?? null,
  };
}
