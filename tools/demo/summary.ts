import { integrationReport } from "../../src/reports/integration-report.js";
import type { Report } from "../../src/reports/report.js";
import type { Spread } from "../../src/reports/statistics.js";
import { findIntegration } from "../../src/storage/integrations.js";
import type { GitHubServer } from "../github-server/index.js";
import { count, seconds } from "./format.js";
import { readStoredCounts, type StoredCounts } from "./stored-counts.js";

export interface DemoSummary {
  integration: { installationId: number; account: string; status: string; name: string } | null;
  stored: StoredCounts;
  api: { requests: number; graphqlQueries: number; graphqlPoints: number; restRequests: number; webhooksDelivered: number };
  backfillMs: number;
  /** The headline reports: the generated history's last 12 weeks, where the Reports tab shows them. */
  reports: { weeks: string[]; path: string; period: Report["period"] };
}

const REPORT_WEEKS = 12;

export async function readSummary(github: GitHubServer, installationId: number, backfillMs: number): Promise<DemoSummary> {
  const integration = await findIntegration(installationId);
  const stats = github.stats();
  return {
    integration: integration && { installationId, account: integration.account.login, status: integration.status, name: integration.name },
    stored: await readStoredCounts(),
    api: {
      requests: stats.totalRequests,
      graphqlQueries: stats.graphql.queries,
      graphqlPoints: stats.graphql.cost,
      restRequests: stats.totalRequests - (stats.requests["POST /graphql"] ?? 0),
      webhooksDelivered: stats.webhooks.delivered,
    },
    backfillMs,
    reports: await headlineReports(github, installationId),
  };
}

async function headlineReports(github: GitHubServer, installationId: number): Promise<DemoSummary["reports"]> {
  const until = new Date(github.org.options.historyEnd);
  const { weeks, period } = await integrationReport(installationId, { weeks: REPORT_WEEKS, until });
  return { weeks, period, path: `/integrations/${installationId}/reports?weeks=${REPORT_WEEKS}&until=${until.toISOString().slice(0, 10)}` };
}

const hours = (spread: Spread) => (spread.median === null ? "—" : `${(spread.median / 3_600_000).toFixed(1)} h`);

export function printSummary(summary: DemoSummary, print: (line: string) => void): void {
  const { integration, stored, api } = summary;
  print("Summary");
  print(integration ? `  integration   ${integration.name} (account ${integration.account}, installation ${integration.installationId}, ${integration.status})` : "  integration   none (the installation webhook was not stored)");
  print(`  stored        ${count(stored.repositories)} repositories · ${count(stored.pullRequests)} pull requests · ${count(stored.reviews)} reviews · ${count(stored.commits)} commits · ${count(stored.tickets)} issues · ${count(stored.members)} members`);
  print(`  backfill      ${seconds(summary.backfillMs)}`);
  print(`  GitHub API    ${count(api.requests)} requests: ${count(api.graphqlQueries)} GraphQL queries (${count(api.graphqlPoints)} points), ${count(api.restRequests)} REST`);
  print(`  webhooks      ${count(api.webhooksDelivered)} delivered to the app`);
  const { weeks, period, path } = summary.reports;
  const approved = period.approvedShare === null ? "—" : `${Math.round(period.approvedShare * 100)} %`;
  print(`Reports, the ${weeks.length} weeks from ${weeks[0]} (medians; people, bots apart) — ${path}`);
  print(`  cycle time    ${hours(period.cycle)}: coding ${hours(period.coding)}, pickup ${hours(period.pickup)}, review ${hours(period.review)}`);
  print(`  throughput    ${count(period.merged)} pull requests merged, ${approved} of them approved`);
  print(`  tickets       ${count(period.ticketsClosed)} closed, lead time ${hours(period.lead)}`);
}
