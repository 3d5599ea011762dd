import { findIntegration } from "../../src/storage/integrations.js";
import type { GitHubServer } from "../github-server/index.js";
import { count, seconds } from "./format.js";
import { readStoredCounts, type StoredCounts } from "./stored-counts.js";

export interface DemoSummary {
  integration: { installationId: number; account: string; status: string; name: string } | null;
  stored: StoredCounts;
  api: { requests: number; graphqlQueries: number; graphqlPoints: number; restRequests: number; webhooksDelivered: number };
  backfillMs: number;
}

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
  };
}

export function printSummary(summary: DemoSummary, print: (line: string) => void): void {
  const { integration, stored, api } = summary;
  print("Summary");
  print(integration ? `  integration   ${integration.name} (account ${integration.account}, installation ${integration.installationId}, ${integration.status})` : "  integration   none (the installation webhook was not stored)");
  print(`  stored        ${count(stored.repositories)} repositories · ${count(stored.pullRequests)} pull requests · ${count(stored.reviews)} reviews · ${count(stored.commits)} commits · ${count(stored.tickets)} issues · ${count(stored.members)} members`);
  print(`  backfill      ${seconds(summary.backfillMs)}`);
  print(`  GitHub API    ${count(api.requests)} requests: ${count(api.graphqlQueries)} GraphQL queries (${count(api.graphqlPoints)} points), ${count(api.restRequests)} REST`);
  print(`  webhooks      ${count(api.webhooksDelivered)} delivered to the app`);
}
