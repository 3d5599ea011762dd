import { fileURLToPath } from "node:url";
import { freeLoopbackPort } from "../src/db/loopback-port.js";
import { JobModel } from "../src/storage/models/job.js";
import type { GitHubServer, GitHubServerOptions } from "../tools/github-server/index.js";
import type { OrgSize } from "../tools/github-server/org/generate.js";
import { startAppProcess, type AppProcess } from "../tools/demo/app-process.js";
import { waitForBackfill, type ServiceProgress } from "../tools/demo/import-progress.js";
import { startStack, type Stack, type StackOptions } from "../tools/demo/stack.js";
import { readStoredCounts, type StoredCounts } from "../tools/demo/stored-counts.js";
import type { MemoryPeaks, MemoryProbeStop } from "./memory-probe.js";
import type { QueueStatements } from "./queue-probe.js";
import { spendRecordedByApp } from "./quota.js";
import { attributeBudget, attributeRequests, type BudgetUse, type Purpose, type RequestsByService } from "./request-attribution.js";
import type { BenchPlan } from "./sizes.js";

const MEMORY_PROBE = fileURLToPath(new URL("./memory-probe.ts", import.meta.url));
const QUEUE_PROBE = fileURLToPath(new URL("./queue-probe.ts", import.meta.url));
/** Installation ids when the organization is split between several (the first is the server's default id). */
const FIRST_INSTALLATION_ID = 1;
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
  /** Of the app's process (with several replicas, the most any one of them reached). */
  peakRssMB: number;
  peakHeapMB: number;
  /** The most heap that survived a full garbage collection. */
  peakLiveHeapMB: number;
  replicas: number;
  installations: number;
  /** Jobs the backfill ran (every job of its installations), and the statements the app sent to their collection meanwhile, all replicas together. */
  jobs: number;
  queueStatements: { total: number; byMethod: Record<string, number> };
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
  /** App processes on the one database (default 1), all alike; the first receives the webhooks. */
  replicas?: number;
  /**
   * Installations the organization's repositories are split between, in order (default 1, the whole
   * organization): the local GitHub's stand-in for as many organizations.
   */
  installations?: number;
}

/** What the probes loaded into one app process last reported. */
interface ProbeReadings {
  memory: MemoryPeaks;
  queue: Omit<QueueStatements, "kind">;
}

const noReadings = (): ProbeReadings => ({ memory: { kind: "memory", rssBytes: 0, heapUsedBytes: 0, liveHeapBytes: 0 }, queue: { total: 0, byMethod: {} } });

function recordReading(readings: ProbeReadings, message: unknown): void {
  const reading = message as MemoryPeaks | QueueStatements;
  if (reading.kind === "memory") readings.memory = reading;
  else readings.queue = structuredClone(reading);
}

/** Statements counted from `before` to `after`, all replicas together. */
function statementsBetween(before: ProbeReadings[], after: ProbeReadings[]): BackfillMeasurement["queueStatements"] {
  const byMethod: Record<string, number> = {};
  after.forEach((reading, replica) => {
    for (const [method, count] of Object.entries(reading.queue.byMethod)) byMethod[method] = (byMethod[method] ?? 0) + count - (before[replica]!.queue.byMethod[method] ?? 0);
  });
  const sent = Object.fromEntries(Object.entries(byMethod).filter(([, count]) => count > 0));
  return { total: Object.values(sent).reduce((sum, count) => sum + count, 0), byMethod: sent };
}

/** The app's further replicas: the same app, configuration and database as the stack's, each on a port of its own. */
async function startReplicas(stack: Stack, count: number, options: Pick<StackOptions, "mongodbUri" | "env" | "nodeArgs">, logFile: string, readings: ProbeReadings[]): Promise<AppProcess[]> {
  const replicas: AppProcess[] = [];
  for (let replica = 2; replica <= count; replica += 1) {
    const reading = noReadings();
    readings.push(reading);
    replicas.push(
      await startAppProcess({
        ...options,
        github: stack.github,
        privateKey: stack.privateKey,
        port: await freeLoopbackPort(),
        logFile: logFile.replace(/(\.log)?$/, `-replica-${replica}.log`),
        onMessage: (message) => recordReading(reading, message),
      }),
    );
  }
  return replicas;
}

/** Installs the app on the organization, split between `count` installations; their ids. */
async function install(github: GitHubServer, count: number): Promise<number[]> {
  const repos = github.org.org.repos;
  const share = Math.ceil(repos.length / count);
  const ids: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const repositories = count === 1 ? undefined : repos.slice(index * share, (index + 1) * share).map((repo) => repo.name);
    const { installation, delivery } = await github.simulateInstall({ id: FIRST_INSTALLATION_ID + index, repositories });
    if (delivery.status !== "OK") throw new Error(`The app refused the installation webhook: ${delivery.status}`);
    ids.push(installation.id);
  }
  return ids;
}

/**
 * Installs the app (a child process running src/main.ts, as deployed) on a generated organization and times its
 * backfill to the end: the real webhook, worker, handlers and database. Returns the stack still running, so the
 * same organization can serve the next measurements; the caller closes it.
 */
export async function measureBackfill(options: BackfillOptions): Promise<{ measurement: BackfillMeasurement; stack: Stack }> {
  const { plan } = options;
  const replicas = options.replicas ?? 1;
  const installations = options.installations ?? 1;
  const readings = [noReadings()];
  const app = { mongodbUri: options.mongodbUri, env: { LOG_LEVEL: "warn" }, nodeArgs: ["--import", MEMORY_PROBE, "--import", QUEUE_PROBE] };
  const started = await startStack({
    ...app,
    org: options.org,
    github: {
      faults: { latencyMs: plan.latencyMs },
      graphql: { nodeBudget: plan.nodeBudget, timeoutDelayMs: plan.timeoutDelayMs },
      rateLimit: { core: 10_000_000, graphql: 10_000_000 },
      ...options.github,
    },
    logFile: options.logFile,
    onMessage: (message) => recordReading(readings[0]!, message),
  });
  let others: AppProcess[] = [];
  const stack: Stack = {
    ...started,
    async close() {
      await Promise.all(others.map((replica) => replica.stop()));
      await started.close();
    },
  };
  try {
    others = await startReplicas(started, replicas, app, options.logFile, readings);
    const { github } = stack;
    const before = structuredClone(readings);
    const startedAt = performance.now();
    const ids = await install(github, installations);
    for (const id of ids) await waitForBackfill(id, { pollMs: 250, onProgress: options.onProgress });
    const seconds = (performance.now() - startedAt) / 1000;
    const stats = github.stats();
    const stored = await readStoredCounts();
    const peak = (field: keyof Omit<MemoryPeaks, "kind">) => Math.round(Math.max(...readings.map((reading) => reading.memory[field])) / MB);
    const measurement: BackfillMeasurement = {
      org: options.org,
      items: stored.pullRequests + stored.tickets + stored.commits,
      stored,
      seconds: Math.round(seconds * 10) / 10,
      requests: attributeRequests(stats),
      graphql: { queries: stats.graphql.queries, points: stats.graphql.cost, timeouts: stats.graphql.timeouts },
      budget: { perParent: attributeBudget(stats, "per-parent"), countsFree: attributeBudget(stats, "free"), recordedByApp: await spendRecordedByApp() },
      peakRssMB: peak("rssBytes"),
      peakHeapMB: peak("heapUsedBytes"),
      peakLiveHeapMB: peak("liveHeapBytes"),
      replicas,
      installations,
      jobs: await JobModel.countDocuments({ installationId: { $in: ids } }),
      queueStatements: statementsBetween(before, readings),
    };
    // The peaks are read: what the caller times next on this stack runs without the probe's forced collections.
    for (const { child } of [stack.app, ...others]) child.send?.({ kind: "memory-probe-stop" } satisfies MemoryProbeStop);
    return { measurement, stack };
  } catch (error) {
    await stack.close();
    throw error;
  }
}
