import { integrationReport } from "../src/reports/integration-report.js";
import { IntegrationModel } from "../src/storage/models/integration.js";
import { ReportWeekModel } from "../src/storage/models/report-week.js";
import { listRepositories } from "../src/storage/repositories.js";

/** The target: the Reports API's p95 grows at most this much from the small to the large organization (10× the data). */
export const REPORTS_TARGET_GROWTH = 2;
const RUNS = 200;
const WARM_UP = 20;
const WEEKS = 12;

export interface ReportsTiming {
  repositories: number;
  weeks: number;
  runs: number;
  p50Ms: number;
  p95Ms: number;
}

/** Per organization: the report of as many repositories as the small organization has (the target's), and of all of them. */
export interface OrgReportsTiming {
  sameScope: ReportsTiming;
  allRepositories: ReportsTiming;
}

export interface ReportsMeasurement {
  small: OrgReportsTiming;
  large: OrgReportsTiming;
  /** large p95 ÷ small p95, for the same repositories shown: what is stored grew 10×, what is shown did not. */
  growth: number;
  targetGrowth: number;
}

const percentile = (sorted: number[], share: number) => sorted[Math.ceil(sorted.length * share) - 1]!;
const round1 = (value: number) => Math.round(value * 10) / 10;

/**
 * The Reports API's answer for the stored integration (the organization just backfilled) over its last 12 weeks of
 * activity, as its route builds it (no network: the rollups' reads and the report's arithmetic), timed one request
 * after another: for the first `sameScope` repositories, and for all.
 */
export async function measureReports(sameScope: number): Promise<OrgReportsTiming> {
  const integration = await IntegrationModel.findOne({}, { installationId: 1 }).lean();
  const newest = await ReportWeekModel.findOne({}, { week: 1 }).sort({ week: -1 }).lean();
  if (!integration || !newest) throw new Error("The reports bench needs a backfilled integration");
  const until = new Date(`${newest.week}T00:00:00Z`);
  const firstRepositories = (await listRepositories(integration.installationId, { granted: true })).slice(0, sameScope).map((repository) => repository.githubId);
  return {
    sameScope: await timeReport(integration.installationId, { weeks: WEEKS, until, repositoryIds: firstRepositories }),
    allRepositories: await timeReport(integration.installationId, { weeks: WEEKS, until }),
  };
}

async function timeReport(installationId: number, request: Parameters<typeof integrationReport>[1]): Promise<ReportsTiming> {
  let repositories = 0;
  const times: number[] = [];
  for (let run = 0; run < WARM_UP + RUNS; run += 1) {
    const started = performance.now();
    const report = await integrationReport(installationId, request);
    if (run >= WARM_UP) times.push(performance.now() - started);
    repositories = report.repositories.filter((repository) => repository.shown).length;
  }
  times.sort((a, b) => a - b);
  return { repositories, weeks: WEEKS, runs: RUNS, p50Ms: round1(percentile(times, 0.5)), p95Ms: round1(percentile(times, 0.95)) };
}

export function reportsMeasurement(small: OrgReportsTiming, large: OrgReportsTiming): ReportsMeasurement {
  return { small, large, growth: Math.round((large.sameScope.p95Ms / small.sameScope.p95Ms) * 100) / 100, targetGrowth: REPORTS_TARGET_GROWTH };
}

export function formatReports(m: ReportsMeasurement): string[] {
  const line = (t: ReportsTiming) => `${t.repositories} ${t.repositories === 1 ? "repository" : "repositories"} × ${t.weeks} weeks: p50 ${t.p50Ms} ms, p95 ${t.p95Ms} ms`;
  return [
    `Reports API (target: p95 grows ≤ ${m.targetGrowth}× from the small to the large organization, 10× the data): growth ${m.growth}×`,
    `  small: ${line(m.small.sameScope)}`,
    `  large: ${line(m.large.sameScope)}; all its ${line(m.large.allRepositories)}`,
  ];
}
