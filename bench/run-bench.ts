import { join } from "node:path";
import mongoose from "mongoose";
import type { ServiceProgress } from "../tools/demo/import-progress.js";
import { measureBackfill, type BackfillMeasurement } from "./backfill-run.js";
import type { Stack } from "../tools/demo/stack.js";
import { formatDataExport, measureDataExport } from "./data-export.js";
import { measureDatabase } from "./database.js";
import { formatReports, measureReports, reportsMeasurement, type OrgReportsTiming } from "./reports.js";
import { runNaiveBaseline } from "./naive-rest.js";
import { runCompressedQuota } from "./quota-run.js";
import { measureRawDeliveryWrites, measureRawUpserts } from "./raw-upserts.js";
import { attributeBudget, attributeRequests } from "./request-attribution.js";
import { buildResults, formatQuotaRun, webhookFigures, type BenchResults } from "./results.js";
import { formatScale, measureScale } from "./scale.js";
import type { BenchPlan } from "./sizes.js";
import { measureWebhookIngestion } from "./webhook-ingestion.js";
import { measureWebPages } from "./web-pages.js";
import { SYNTHETIC_REPOSITORIES } from "./synthetic-pull-requests.js";
import { formatFaultDrill, runFaultDrill } from "../tools/fault-drill/index.js";

export interface BenchOptions {
  plan: BenchPlan;
  quick: boolean;
  /** The app's database, which this process is connected to as well; emptied between organizations. */
  mongodbUri: string;
  logDir: string;
  print: (line: string) => void;
  /** Progress display for a backfill; returns what to call with each reading and when it ends. */
  progress?: () => { update: (progress: ServiceProgress[]) => void; stop: () => void };
  fetch?: typeof globalThis.fetch;
}

/**
 * Every measurement in one run: the small organization's backfill, then on that same organization the naive REST
 * baseline and webhook ingestion next to raw upserts; then the large organization's backfill; then the database alone.
 */
export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const { plan, print } = options;
  const backfill = async (label: "small" | "large") => {
    const org = plan[label];
    print(`Backfill of the ${label} organization: ${org.repos} repositories, ${org.pulls} pull requests, ${org.issues} issues, ${org.commits} commits`);
    const display = options.progress?.();
    try {
      return await measureBackfill({ org, plan, mongodbUri: options.mongodbUri, logFile: join(options.logDir, `app-${label}.log`), onProgress: (progress) => display?.update(progress) });
    } finally {
      display?.stop();
    }
  };
  const report = (label: string, m: BackfillMeasurement) =>
    print(`  ${label}: ${m.items} items in ${m.seconds} s, ${m.requests.total} requests (${m.graphql.timeouts} query timeouts), peak RSS ${m.peakRssMB} MB`);

  const { measurement: small, stack } = await backfill("small");
  report("small", small);
  // The Reports API on the organization just backfilled, for as many repositories as the small one has.
  const smallReports = await measureReports(plan.small.repos);
  let naive, webhooks, raw;
  try {
    print("Naive REST baseline on the same organization");
    stack.github.resetStats();
    const items = await runNaiveBaseline({ github: stack.github, privateKey: stack.privateKey, concurrency: plan.concurrency, fetch: options.fetch });
    const naiveStats = stack.github.stats();
    naive = { items, requests: attributeRequests(naiveStats), budget: attributeBudget(naiveStats, "per-parent") };
    print(`  ${naive.requests.total} requests`);
    ({ ingestion: webhooks, raw } = await measureWebhooksOn(stack, plan, print));
  } finally {
    await stack.close();
    await mongoose.connection.dropDatabase();
  }

  const { measurement: large, stack: largeStack } = await backfill("large");
  await largeStack.close();
  report("large", large);
  const reports = reportsMeasurement(smallReports, await measureReports(plan.small.repos));
  for (const line of formatReports(reports)) print(`  ${line}`);
  const dataApi = await measureDataExport();
  print(`  ${formatDataExport(dataApi)}`);
  await mongoose.connection.dropDatabase();

  const { windows, windowSeconds } = plan.quotaRun;
  print(`Compressed quota run: the large organization again, GitHub's hourly limit scaled to ${windowSeconds} s windows, about ${windows} of them`);
  const quotaRun = await runCompressedQuota(large, { plan, mongodbUri: options.mongodbUri, logFile: join(options.logDir, "app-quota.log") });
  await mongoose.connection.dropDatabase();
  print(`  ${formatQuotaRun(quotaRun)}`);

  const database = await measureDatabaseAlone(plan, print);
  await mongoose.connection.dropDatabase();
  const web = await measureWebPagesAlone(plan, { mongodbUri: options.mongodbUri, logFile: join(options.logDir, "app-web.log"), print });
  await mongoose.connection.dropDatabase();
  print("Fault drill: live activity on a generated org while the database and the app are killed, paused and kept down");
  const faults = await runFaultDrill({ scenarios: plan.faultScenarios });
  for (const line of formatFaultDrill(faults)) print(`  ${line}`);
  const scale = await measureScale(plan, { mongodbUri: options.mongodbUri, logDir: options.logDir, print });
  for (const line of formatScale(scale)) print(`  ${line}`);
  return buildResults({ reports, plan, quick: options.quick, small, large, quotaRun, naive, webhooks, rawUpsertsPerSec: raw.upsertsPerSec, rawUpsertsCpu: raw.cpu, rawDeliveryWritesPerSec: raw.deliveryWritesPerSec, database, web, faults, dataApi, scale });
}

/**
 * Webhook ingestion on an organization the stack has backfilled: the app's first burst, then rounds of a burst
 * followed by the raw yardsticks (see measureWebhookIngestion).
 */
async function measureWebhooksOn(stack: Stack, plan: BenchPlan, print: (line: string) => void) {
  const { webhookDeliveries: count, webhookConcurrency: concurrency, webhookRounds: rounds } = plan;
  print(
    `Webhook ingestion: the app's first burst, then ${rounds} round(s) of a burst of ${count} signed deliveries, ` +
      `${concurrency} at a time, followed by as many raw upserts and raw delivery writes`,
  );
  const measured = await measureWebhookIngestion(stack.github, stack.app.webhookUrl, { count, concurrency, rounds }, async (bodies) => ({
    ...(await measureRawUpserts(count, concurrency)),
    deliveryWritesPerSec: await measureRawDeliveryWrites(bodies, concurrency),
  }));
  const { ingestion, raw } = measured;
  print(
    `  acknowledged p50 ${ingestion.ackP50Ms} ms, p99 ${ingestion.ackP99Ms} ms; processed ${ingestion.processedPerSec}/s after the last answer (${ingestion.endToEndPerSec}/s end to end); ` +
      `raw ${raw.upsertsPerSec} upserts/s, ${raw.deliveryWritesPerSec} delivery writes/s`,
  );
  return measured;
}

/** Webhook ingestion on its own: the small organization's backfill, then the bursts and their raw yardsticks. */
export async function measureWebhooksAlone(plan: BenchPlan, options: { mongodbUri: string; logDir: string; print: (line: string) => void }) {
  options.print(`Backfill of the small organization, for webhook ingestion to update`);
  const { stack } = await measureBackfill({ org: plan.small, plan, mongodbUri: options.mongodbUri, logFile: join(options.logDir, "app-webhooks.log") });
  try {
    const { ingestion, raw } = await measureWebhooksOn(stack, plan, options.print);
    return webhookFigures(ingestion, { rawUpsertsPerSec: raw.upsertsPerSec, rawUpsertsCpu: raw.cpu, rawDeliveryWritesPerSec: raw.deliveryWritesPerSec });
  } finally {
    await stack.close();
    await mongoose.connection.dropDatabase();
  }
}

/** The repositories page and API as records grow (see measureWebPages). */
export function measureWebPagesAlone(plan: BenchPlan, options: { mongodbUri: string; logFile: string; print: (line: string) => void }) {
  const { sizes } = plan.web;
  options.print(`Web pages: the repositories page and API with ${sizes.map((size) => size.toLocaleString("en")).join(", ")} pull requests across the same ${SYNTHETIC_REPOSITORIES + 1} repositories`);
  return measureWebPages(plan.web, options);
}

/** The data API's export on its own: the large organization's backfill, then its export. */
export async function measureDataApiAlone(plan: BenchPlan, options: { mongodbUri: string; logFile: string; print: (line: string) => void }) {
  options.print(`Data API: the large organization's backfill, then its export`);
  const { stack } = await measureBackfill({ org: plan.large, plan, mongodbUri: options.mongodbUri, logFile: options.logFile });
  await stack.close();
  return measureDataExport();
}

/** The Reports API on its own: each organization's backfill, then its reports (see measureReports). */
export async function measureReportsAlone(plan: BenchPlan, options: { mongodbUri: string; logDir: string; print: (line: string) => void }) {
  const timed = async (label: "small" | "large"): Promise<OrgReportsTiming> => {
    options.print(`Reports: the ${label} organization's backfill, then its reports`);
    const { stack } = await measureBackfill({ org: plan[label], plan, mongodbUri: options.mongodbUri, logFile: join(options.logDir, `app-reports-${label}.log`) });
    try {
      return await measureReports(plan.small.repos);
    } finally {
      await stack.close();
      await mongoose.connection.dropDatabase();
    }
  };
  const small = await timed("small");
  return reportsMeasurement(small, await timed("large"));
}

/** The database benchmark on its own: nothing else runs, the app is stopped, the database empty. */
export function measureDatabaseAlone(plan: BenchPlan, print: (line: string) => void) {
  print(`Database: the app's pull request storage at ${plan.database.sizes.map((size) => size.toLocaleString("en")).join(", ")} pull requests`);
  return measureDatabase(plan.database, print);
}
