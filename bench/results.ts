import { cpus, totalmem } from "node:os";
import mongoose from "mongoose";
import type { BackfillMeasurement } from "./backfill-run.js";
import { formatDataExport, type DataExportMeasurement } from "./data-export.js";
import type { DatabaseMeasurement, DatabaseOperation } from "./database.js";
import type { CpuUse } from "./cpu-time.js";
import { ratio } from "./figures.js";
import { formatReports, type ReportsMeasurement } from "./reports.js";
import { formatScale, type ScaleMeasurement } from "./scale.js";
import type { NaiveItems } from "./naive-rest.js";
import type { CompressedQuotaRun } from "./quota-run.js";
import { HOURLY_BUDGET, quotaFigures, REFERENCE_ORG, type QuotaFigures } from "./quota.js";
import { per1000, type BudgetUse, type Purpose, type RequestsByService } from "./request-attribution.js";
import type { BenchPlan } from "./sizes.js";
import type { WebhookIngestion } from "./webhook-ingestion.js";
import { formatFaultDrill, type FaultDrillReport } from "../tools/fault-drill/index.js";
import { WEB_TARGET_GROWTH, type WebPagesMeasurement } from "./web-pages.js";

export interface Measurements {
  plan: BenchPlan;
  quick: boolean;
  small: BackfillMeasurement;
  large: BackfillMeasurement;
  quotaRun: CompressedQuotaRun;
  naive: { items: NaiveItems; requests: RequestsByService; budget: Record<Purpose, BudgetUse> };
  webhooks: WebhookIngestion;
  rawUpsertsPerSec: number;
  rawUpsertsCpu: CpuUse | null;
  rawDeliveryWritesPerSec: number;
  database: DatabaseMeasurement;
  web: WebPagesMeasurement;
  faults: FaultDrillReport;
  reports: ReportsMeasurement;
  dataApi: DataExportMeasurement;
  scale: ScaleMeasurement;
}

async function machine() {
  const build = (await mongoose.connection.db!.admin().command({ buildInfo: 1 })) as { version?: string; ferretdb?: { version?: string } };
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? "unknown",
    memoryGB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    database: build.ferretdb
      ? `FerretDB ${build.ferretdb.version} on PostgreSQL with DocumentDB, MongoDB wire ${build.version ?? "?"}`
      : `MongoDB ${build.version ?? "?"}`,
  };
}

/** Every measured round, the median of which the table shows. */
function formatRounds(rounds: WebhookIngestion["rounds"]): string {
  const each = rounds.map(
    ({ processedPerSec, endToEndPerSec, rawUpsertsPerSec, ofRaw }) =>
      `${processedPerSec}/s of ${rawUpsertsPerSec}/s (${Math.round(ofRaw * 100)} %; end to end ${Math.round(ratio(endToEndPerSec, rawUpsertsPerSec) * 100)} %)`,
  );
  return `Rounds, each a burst then the raw upserts right after it, in order (the table shows the median one by processed ÷ raw): ${each.join("; ")}`;
}

/** The app's first burst since its start, beside the measured one: V8 compiling the app's hot code as it runs. */
function formatFirstBurst({ firstBurst: first, rawUpsertsPerSec }: { firstBurst: WebhookIngestion["firstBurst"]; rawUpsertsPerSec: number }): string {
  return (
    `The app's first burst since its start, just before (not counted: V8 compiles the intake and the handlers as they get hot): ` +
    `${first.failed} refused, ${first.dead} dead, ack p99 ${first.ackP99Ms} ms, processed ${first.processedPerSec}/s (${Math.round(ratio(first.processedPerSec, rawUpsertsPerSec) * 100)} % of raw), end to end ${first.endToEndPerSec}/s`
  );
}

/**
 * Where the machine's CPU went in the burst and in the raw upserts: what limits each rate (all cores busy, or commits
 * waited for). Nothing where /proc could not be read.
 */
function formatCpu({ cpu, rawUpsertsCpu }: { cpu: WebhookIngestion["cpu"]; rawUpsertsCpu: CpuUse | null }): string[] {
  const phases: [string, CpuUse | null][] = [
    ["to answer", cpu.answering],
    ["to drain", cpu.draining],
    ["raw upserts", rawUpsertsCpu],
  ];
  const shown = phases.filter((phase): phase is [string, CpuUse] => phase[1] !== null);
  if (shown.length === 0) return [];
  return [
    "CPU per delivery (per upsert for the raw ones), in ms, and cores busy on average: the bench stands in for GitHub",
    table([
      ["", "app", "database", "bench", "cores busy"],
      ...shown.map(([label, use]) => [label, String(use.appMsPerItem), use.databaseMsPerItem === null ? "elsewhere" : String(use.databaseMsPerItem), String(use.benchMsPerItem), `${use.coresBusy} of ${use.cores}`]),
    ]),
  ];
}

/** Requests per 1,000 items of a backfill, by service. */
function perThousand(measurement: BackfillMeasurement) {
  const { requests, stored } = measurement;
  return {
    pullRequests: per1000(requests.pullRequests, stored.pullRequests),
    issues: per1000(requests.tickets, stored.tickets),
    commits: per1000(requests.commits, stored.commits),
  };
}

const backfillFigures = (measurement: BackfillMeasurement) => ({
  items: measurement.items,
  seconds: measurement.seconds,
  itemsPerSec: Math.round(measurement.items / measurement.seconds),
  requests: measurement.requests,
  requestsPer1000: perThousand(measurement),
  graphql: measurement.graphql,
  stored: measurement.stored,
});

const itemsOf = ({ stored }: BackfillMeasurement): Record<Purpose, number> => ({ pullRequests: stored.pullRequests, tickets: stored.tickets, commits: stored.commits });

/** GitHub's budgets spent by a backfill, each way they are known (see BackfillMeasurement's `budget`). */
const budgetFigures = (m: BackfillMeasurement) => ({
  perParent: quotaFigures(m.budget.perParent, itemsOf(m)),
  countsFree: quotaFigures(m.budget.countsFree, itemsOf(m)),
  recordedByApp: quotaFigures(m.budget.recordedByApp, itemsOf(m)),
});

/** `bench/results/latest.json`: the keys issue #4 lists, then the detail behind them. */
export async function buildResults(m: Measurements) {
  // Side by side on the same (small) organization; the large one shows requests per item stay the same.
  const tributary = perThousand(m.small);
  const naive = {
    pullRequests: per1000(m.naive.requests.pullRequests, m.naive.items.pullRequests),
    issues: per1000(m.naive.requests.tickets, m.naive.items.tickets),
    commits: per1000(m.naive.requests.commits, m.naive.items.commits),
  };
  return {
    quota: {
      referenceOrg: REFERENCE_ORG,
      hourlyBudget: HOURLY_BUDGET,
      small: budgetFigures(m.small),
      large: budgetFigures(m.large),
      naive: quotaFigures(m.naive.budget, m.naive.items),
      compressedRun: m.quotaRun,
    },
    requestsPer1000PRs: { tributary: tributary.pullRequests, naive: naive.pullRequests, naiveOverTributary: ratio(naive.pullRequests, tributary.pullRequests) },
    requestsPer1000Issues: { tributary: tributary.issues, naive: naive.issues, naiveOverTributary: ratio(naive.issues, tributary.issues) },
    requestsPer1000Commits: { tributary: tributary.commits, naive: naive.commits, naiveOverTributary: ratio(naive.commits, tributary.commits) },
    backfill: {
      small: backfillFigures(m.small),
      large: backfillFigures(m.large),
      growth: { items: ratio(m.large.items, m.small.items), seconds: ratio(m.large.seconds, m.small.seconds) },
    },
    webhooks: webhookFigures(m.webhooks, m),
    memory: {
      peakRssSmallMB: m.small.peakRssMB,
      peakRssLargeMB: m.large.peakRssMB,
      peakHeapSmallMB: m.small.peakHeapMB,
      peakHeapLargeMB: m.large.peakHeapMB,
      liveHeapSmallMB: m.small.peakLiveHeapMB,
      liveHeapLargeMB: m.large.peakLiveHeapMB,
      rssGrowth: ratio(m.large.peakRssMB, m.small.peakRssMB),
      liveHeapGrowth: ratio(m.large.peakLiveHeapMB, m.small.peakLiveHeapMB),
    },
    database: m.database,
    reports: m.reports,
    web: { ...m.web, targetGrowth: WEB_TARGET_GROWTH },
    dataApi: m.dataApi,
    scale: m.scale,
    faults: m.faults,
    naive: m.naive,
    orgs: { small: m.small.org, large: m.large.org },
    server: { latencyMs: m.plan.latencyMs, nodeBudget: m.plan.nodeBudget, timeoutDelayMs: m.plan.timeoutDelayMs },
    quick: m.quick,
    machine: await machine(),
    measuredAt: new Date().toISOString(),
  };
}

export type BenchResults = Awaited<ReturnType<typeof buildResults>>;

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => "  " + row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("   ")).join("\n");
}

export function formatResults(r: BenchResults): string {
  const { small, large } = r.backfill;
  const size = (org: BenchResults["orgs"]["small"]) => `${org.repos} repos / ${org.pulls} PRs / ${org.issues} issues / ${org.commits} commits`;
  return [
    ...formatQuota(r.quota),
    "",
    `API requests per 1,000 items (${size(r.orgs.small)}; node budget ${r.server.nodeBudget}, ${r.backfill.small.graphql.timeouts} query timeouts)`,
    table([
      ["", "Tributary", "naive REST", "naive ÷ Tributary"],
      ["pull requests", String(r.requestsPer1000PRs.tributary), String(r.requestsPer1000PRs.naive), `${r.requestsPer1000PRs.naiveOverTributary}×`],
      ["issues", String(r.requestsPer1000Issues.tributary), String(r.requestsPer1000Issues.naive), `${r.requestsPer1000Issues.naiveOverTributary}×`],
      ["commits", String(r.requestsPer1000Commits.tributary), String(r.requestsPer1000Commits.naive), `${r.requestsPer1000Commits.naiveOverTributary}×`],
    ]),
    "",
    `Backfill with ${r.server.latencyMs} ms latency per request`,
    table([
      ["", "org", "items", "seconds", "items/s", "req/1k PRs", "peak RSS MB", "peak heap MB", "live heap MB"],
      ["small", size(r.orgs.small), String(small.items), String(small.seconds), String(small.itemsPerSec), String(small.requestsPer1000.pullRequests), String(r.memory.peakRssSmallMB), String(r.memory.peakHeapSmallMB), String(r.memory.liveHeapSmallMB)],
      ["large", size(r.orgs.large), String(large.items), String(large.seconds), String(large.itemsPerSec), String(large.requestsPer1000.pullRequests), String(r.memory.peakRssLargeMB), String(r.memory.peakHeapLargeMB), String(r.memory.liveHeapLargeMB)],
      ["large ÷ small", "", `${r.backfill.growth.items}×`, `${r.backfill.growth.seconds}×`, "", "", `${r.memory.rssGrowth}×`, "", `${r.memory.liveHeapGrowth}×`],
    ]),
    "",
    ...formatWebhooks(r.webhooks),
    "",
    formatDatabase(r.database),
    "",
    formatWebPages(r.web),
    "",
    ...formatReports(r.reports),
    "",
    formatDataExport(r.dataApi),
    "",
    ...formatFaultDrill(r.faults),
    "",
    ...formatScale(r.scale),
    "",
    `Machine: ${r.machine.cores} cores (${r.machine.cpu}), Node ${r.machine.node}, ${r.machine.database}`,
  ].join("\n");
}

/** The compressed quota run in one line. */
/** The webhook ingestion's figures: the measured round beside the raw yardsticks measured right after it. */
export function webhookFigures(webhooks: WebhookIngestion, raw: Pick<Measurements, "rawUpsertsPerSec" | "rawUpsertsCpu" | "rawDeliveryWritesPerSec">) {
  return {
    ...webhooks,
    rawUpsertsPerSec: raw.rawUpsertsPerSec,
    rawUpsertsCpu: raw.rawUpsertsCpu,
    ofRaw: ratio(webhooks.processedPerSec, raw.rawUpsertsPerSec),
    rawDeliveryWritesPerSec: raw.rawDeliveryWritesPerSec,
    ofRawDeliveryWrites: ratio(webhooks.processedPerSec, raw.rawDeliveryWritesPerSec),
    endToEndOfRaw: ratio(webhooks.endToEndPerSec, raw.rawUpsertsPerSec),
  };
}

/** The webhook ingestion's section of the printed results. */
export function formatWebhooks(w: ReturnType<typeof webhookFigures>): string[] {
  return [
    `Webhook ingestion (${w.deliveries} signed deliveries, ${w.concurrency} at a time: ${w.failed} refused, ${w.processed} processed, ${w.dead} dead)`,
    `Targets: acknowledged p99 ≤ 250 ms, processed ≥ 50 % of raw keyed upserts (raw delivery writes: the body inserted, then the record upserted, per delivery)`,
    `processed/s: the inbox's drain rate, from the last answer to the last processed; end to end/s: from the first delivery sent to the last processed`,
    table([
      ["ack p50 ms", "ack p99 ms", "processed p50 ms", "processed p99 ms", "processed/s", "raw upserts/s", "of raw", "raw delivery writes/s", "of those", "end to end/s", "of raw"],
      [
        String(w.ackP50Ms),
        String(w.ackP99Ms),
        String(w.processedP50Ms),
        String(w.processedP99Ms),
        String(w.processedPerSec),
        String(w.rawUpsertsPerSec),
        `${Math.round(w.ofRaw * 100)} %`,
        String(w.rawDeliveryWritesPerSec),
        `${Math.round(w.ofRawDeliveryWrites * 100)} %`,
        String(w.endToEndPerSec),
        `${Math.round(w.endToEndOfRaw * 100)} %`,
      ],
    ]),
    ...formatCpu(w),
    formatRounds(w.rounds),
    formatFirstBurst(w),
  ];
}

export function formatQuotaRun(run: CompressedQuotaRun): string {
  return (
    `limit ${run.limitPerWindow} points and REST requests per ${run.windowSeconds} s window: ${run.graphqlPoints} points and ${run.restRequests} REST requests spent; ` +
    `predicted ${run.predictedSeconds} s, took ${run.seconds} s (${Math.round(run.ofPredicted * 100)} % of predicted); ` +
    `refused for a limit: ${run.refused.primary} primary, ${run.refused.secondary} secondary; ${run.complete ? "everything stored" : "INCOMPLETE"}`
  );
}

function formatQuota(q: BenchResults["quota"]): string[] {
  const row = (label: string, f: QuotaFigures) => [
    label,
    ...(["pullRequests", "tickets", "commits"] as const).flatMap((purpose) => [String(f.per1000[purpose].points), String(f.per1000[purpose].rest)]),
    String(f.hours.graphql),
    String(f.hours.rest),
    String(f.hours.backfill),
  ];
  const org = q.referenceOrg;
  return [
    `GitHub's hourly budgets spent (GraphQL points, REST requests), per 1,000 items of the small organization; hours of budget for an organization of ` +
      `${org.pullRequests.toLocaleString("en")} pull requests, ${org.tickets.toLocaleString("en")} issues and ${org.commits.toLocaleString("en")} commits ` +
      `at ${q.hourlyBudget.toLocaleString("en")} an hour each, both budgets spent at once`,
    `Targets: points + REST requests per 1,000 pull requests ≤ 150; hours of budget ≤ 4`,
    table([
      ["", "PR points", "PR REST", "issue points", "issue REST", "commit points", "commit REST", "GraphQL h", "REST h", "backfill h"],
      row("Tributary, as charged (count-only connections per parent)", q.small.perParent),
      row("Tributary, count-only connections free", q.small.countsFree),
      row("Tributary, as the app recorded GitHub's reported cost", q.small.recordedByApp),
      row("naive REST", q.naive),
    ]),
    `Compressed quota run (the large organization; target: within 20 % of predicted, nothing refused beyond what throttling absorbs):`,
    `  ${formatQuotaRun(q.compressedRun)}`,
  ];
}

const DATABASE_ROWS: Record<DatabaseOperation, string> = {
  keyedRead: "keyed read",
  guardedUpdate: "guarded update",
  insert: "insert",
  batchRead: "batch read",
  backfillPage: "backfill page",
  backfillPerRecord: "  per record",
};

const documentCount = (size: number) => (size % 1000 === 0 ? `${size / 1000}k` : String(size));

export function formatWebPages(w: WebPagesMeasurement & { targetGrowth: number }): string {
  const verdict = (growth: number) => (growth <= w.targetGrowth ? "met" : "MISSED");
  return [
    `Web pages: the repositories page and its API, signed in, ${w.repositories} repositories, ms (re-count of every repository took ${w.recountSeconds.join(" / ")} s)`,
    `Target: p95 growth from the fewest to the most records stored ≤ ${w.targetGrowth}×`,
    table([
      ["", ...w.sizes.flatMap(({ records }) => [`${documentCount(records)} p50`, `${documentCount(records)} p95`]), "growth p95", "target"],
      ["page", ...w.sizes.flatMap(({ page }) => [String(page.p50Ms), String(page.p95Ms)]), `${w.growth.page}×`, verdict(w.growth.page)],
      ["API", ...w.sizes.flatMap(({ api }) => [String(api.p50Ms), String(api.p95Ms)]), `${w.growth.api}×`, verdict(w.growth.api)],
    ]),
  ].join("\n");
}

export function formatDatabase(d: DatabaseMeasurement): string {
  const smallest = documentCount(d.sizes[0]!);
  const largest = documentCount(d.sizes.at(-1)!);
  const verdict = (meets: boolean | null) => (meets === null ? "" : meets ? "met" : "MISSED");
  return [
    `Database: the app's pull request storage, one call at a time, ms (${d.documentBytes}-byte documents, ${d.samples} calls per operation and size, ` +
      `batch read of ${d.batchReadIds} ids, backfill page of ${d.backfillPageSize}; fills took ${d.fillSeconds.join(" + ")} s)`,
    `Targets: p95 ≤ ${d.targets.p95Ms} ms at ${largest} (a backfill per record), p50 growth ${largest} ÷ ${smallest} ≤ ${d.targets.growth}×; ` +
      `load average after each size ${d.loadAverage.join(" / ")}`,
    table([
      ["", ...d.sizes.flatMap((size) => [`${documentCount(size)} p50`, `${documentCount(size)} p95`]), "growth p50", "growth p95", "targets"],
      ...Object.entries(DATABASE_ROWS).map(([operation, label]) => {
        const figures = d.operations[operation as DatabaseOperation];
        return [
          label,
          ...figures.bySize.flatMap((latency) => [String(latency.p50Ms), String(latency.p95Ms)]),
          `${figures.growth.p50}×`,
          `${figures.growth.p95}×`,
          verdict(figures.meetsTargets),
        ];
      }),
    ]),
  ].join("\n");
}
