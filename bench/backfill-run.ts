import { fileURLToPath } from "node:url";
import type { GitHubServerOptions } from "../tools/github-server/index.js";
import type { OrgSize } from "../tools/github-server/org/generate.js";
import { waitForBackfill, type ServiceProgress } from "../tools/demo/import-progress.js";
import { startStack, type Stack } from "../tools/demo/stack.js";
import { readStoredCounts, type StoredCounts } from "../tools/demo/stored-counts.js";
import type { MemoryPeaks } from "./memory-probe.js";
import { spendRecordedByApp } from "./quota.js";
import { attributeBudget, attributeRequests, type BudgetUse, type Purpose, type RequestsByService } from "./request-attribution.js";
import type { BenchPlan } from "./sizes.js";

const MEMORY_PROBE = fileURLToPath(new URL("./memory-probe.ts", import.meta.url));
const MB = 1024 * 1024;

export interface BackfillMeasurement {
  org: OrgSize;
  /** Pull requests, issues and default-branch commits stored. */
  items: number;
  stored: StoredCounts;
  seconds: number;
  requests: RequestsByService;
  graphql: { queries: number; points: number; timeouts: number };
  /**
   * GitHub's two budgets spent, by purpose: as the server charged them under each reading of count-only connections
   * (it charges `per-parent`), and as the app recorded from the cost reported with each answer.
   */
  budget: { perParent: Record<Purpose, BudgetUse>; countsFree: Record<Purpose, BudgetUse>; recordedByApp: Record<Purpose, BudgetUse> };
  peakRssMB: number;
  peakHeapMB: number;
  /** The most heap that survived a full garbage collection. */
  peakLiveHeapMB: number;
}

export interface BackfillOptions {
  org: OrgSize;
  plan: BenchPlan;
  mongodbUri: string;
  logFile: string;
  onProgress?: (progress: ServiceProgress[]) => void;
  /**
   * GitHub's limits and behaviour for this run, over the plan's: by default no limit that would bind (the bench
   * counts requests, waiting adds nothing).
   */
  github?: Pick<GitHubServerOptions, "rateLimit" | "secondaryLimit" | "faults" | "graphql">;
}

/**
 * Installs the app (a child process running src/main.ts, as deployed) on a generated organization and times its
 * backfill to the end: the real webhook, worker, handlers and database. Returns the stack still running, so the
 * same organization can serve the next measurements; the caller closes it.
 */
export async function measureBackfill(options: BackfillOptions): Promise<{ measurement: BackfillMeasurement; stack: Stack }> {
  const peaks: MemoryPeaks = { kind: "memory", rssBytes: 0, heapUsedBytes: 0, liveHeapBytes: 0 };
  const { plan } = options;
  const stack = await startStack({
    org: options.org,
    github: {
      faults: { latencyMs: plan.latencyMs },
      graphql: { nodeBudget: plan.nodeBudget, timeoutDelayMs: plan.timeoutDelayMs },
      rateLimit: { core: 10_000_000, graphql: 10_000_000 },
      ...options.github,
    },
    mongodbUri: options.mongodbUri,
    logFile: options.logFile,
    env: { LOG_LEVEL: "warn" },
    nodeArgs: ["--import", MEMORY_PROBE],
    onMessage: (message) => Object.assign(peaks, message as MemoryPeaks),
  });
  try {
    const { github } = stack;
    const started = performance.now();
    const { installation, delivery } = await github.simulateInstall();
    if (delivery.status !== "OK") throw new Error(`The app refused the installation webhook: ${delivery.status}`);
    await waitForBackfill(installation.id, { pollMs: 250, onProgress: options.onProgress });
    const seconds = (performance.now() - started) / 1000;
    const stats = github.stats();
    const stored = await readStoredCounts();
    const measurement: BackfillMeasurement = {
      org: options.org,
      items: stored.pullRequests + stored.tickets + stored.commits,
      stored,
      seconds: Math.round(seconds * 10) / 10,
      requests: attributeRequests(stats),
      graphql: { queries: stats.graphql.queries, points: stats.graphql.cost, timeouts: stats.graphql.timeouts },
      budget: { perParent: attributeBudget(stats, "per-parent"), countsFree: attributeBudget(stats, "free"), recordedByApp: await spendRecordedByApp() },
      peakRssMB: Math.round(peaks.rssBytes / MB),
      peakHeapMB: Math.round(peaks.heapUsedBytes / MB),
      peakLiveHeapMB: Math.round(peaks.liveHeapBytes / MB),
    };
    return { measurement, stack };
  } catch (error) {
    await stack.close();
    throw error;
  }
}
