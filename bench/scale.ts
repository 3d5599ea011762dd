import { join } from "node:path";
import mongoose from "mongoose";
import type { StatsSnapshot } from "../tools/github-server/index.js";
import type { OrgSize } from "../tools/github-server/org/generate.js";
import { measureBackfill, type BackfillMeasurement, type BackfillOptions } from "./backfill-run.js";
import { ratio } from "./figures.js";
import type { BenchPlan } from "./sizes.js";

/** The issue's targets: coordination adds nothing measurable, small repositories are cheap, the queue does not grow per job. */
export const SCALE_TARGETS = { replicaRatio: 1.1, requestsPerRepository: 3, queueGrowth: 1.1 } as const;

/** A repository of the many-repositories organizations: issue #15's 5 pull requests, 5 issues and 10 commits (on average). */
const SMALL_REPOSITORY = { pulls: 5, issues: 5, commits: 10 };

export interface ScalePlan {
  /** Backfilled once by each count of app replicas, on one database. */
  replicaCounts: number[];
  /** Installations (each standing for an organization of the plan's `small` size) those replicas backfill together. */
  installations: number;
  /** Organizations of that many small repositories, smallest first: the queue's cost per job is compared across them. */
  manyRepositories: number[];
}

export interface ReplicaRun {
  replicas: number;
  seconds: number;
  items: number;
  peakRssMB: number;
}

export interface ManyRepositoriesRun {
  repositories: number;
  seconds: number;
  items: number;
  /** GitHub requests per repository: in all, GraphQL queries and REST requests, then by REST route and GraphQL operation. */
  requestsPerRepository: { total: number; graphql: number; rest: number; byRoute: Record<string, number>; byOperation: Record<string, number> };
  jobs: number;
  /** Statements on the job queue's collection per job, in all and by method. */
  queueStatementsPerJob: { total: number; byMethod: Record<string, number> };
  appPeakRssMB: number;
  /** The bench's own process, which hosts the local GitHub: before the backfill and at its peak. */
  githubServerRssMB: { before: number; peak: number };
  /** Repositories whose generated contents the local GitHub held at the end (a cache; see tools/github-server/org). */
  githubServerMaterializedRepositories: number;
}

export interface ScaleMeasurement {
  replicas: { org: OrgSize; installations: number; runs: ReplicaRun[]; ratio: number };
  manyRepositories: { runs: ManyRepositoriesRun[]; queueGrowth: number };
  targets: typeof SCALE_TARGETS;
  met: { replicaRatio: boolean; requestsPerRepository: boolean; queueGrowth: boolean };
}

export interface ScaleOptions {
  mongodbUri: string;
  logDir: string;
  print: (line: string) => void;
}

const MB = 1024 * 1024;
const round2 = (value: number) => Math.round(value * 100) / 100;
const times = (org: OrgSize, factor: number): OrgSize => ({ ...org, repos: org.repos * factor, pulls: org.pulls * factor, issues: org.issues * factor, commits: org.commits * factor });

/** The bench process's peak RSS while `action` runs, sampled every 100 ms. */
async function withPeakRss<T>(action: () => Promise<T>): Promise<{ result: T; beforeMB: number; peakMB: number }> {
  const before = process.memoryUsage.rss();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
  try {
    const result = await action();
    return { result, beforeMB: Math.round(before / MB), peakMB: Math.round(Math.max(peak, process.memoryUsage.rss()) / MB) };
  } finally {
    clearInterval(sampler);
  }
}

/** Every request the server counted, per repository: GraphQL queries and REST requests, by route and operation. */
function requestsPerRepository(stats: StatsSnapshot, repositories: number): ManyRepositoriesRun["requestsPerRepository"] {
  const graphql = stats.requests["POST /graphql"] ?? 0;
  const per = (counts: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(counts)
        .filter(([route]) => route !== "POST /graphql")
        .toSorted(([, a], [, b]) => b - a)
        .map(([name, count]) => [name, round2(count / repositories)]),
    );
  return {
    total: round2(stats.totalRequests / repositories),
    graphql: round2(graphql / repositories),
    rest: round2((stats.totalRequests - graphql) / repositories),
    byRoute: per(stats.requests),
    byOperation: per(stats.graphql.operations),
  };
}

const perJob = ({ jobs, queueStatements }: BackfillMeasurement) => ({
  total: round2(queueStatements.total / jobs),
  byMethod: Object.fromEntries(Object.entries(queueStatements.byMethod).map(([method, count]) => [method, round2(count / jobs)])),
});

/**
 * Issue #15's scale figures. First the plan's `installations` organizations of its small size, backfilled together
 * by one app replica, then by two (child processes on the one database, as deployed): the ratio is what
 * coordinating replicas costs. Then organizations of many small repositories, each backfilled by one replica: seconds,
 * GitHub requests per repository, queue statements per job (counted inside the app, see bench/queue-probe.ts) and
 * peak memory of the app and of the local GitHub.
 */
export async function measureScale(plan: BenchPlan, options: ScaleOptions): Promise<ScaleMeasurement> {
  const { print } = options;
  const org = times(plan.small, plan.scale.installations);
  const backfill = async (label: string, run: Pick<BackfillOptions, "org" | "replicas" | "installations">) => {
    const { measurement, stack } = await measureBackfill({ ...run, plan, mongodbUri: options.mongodbUri, logFile: join(options.logDir, `app-scale-${label}.log`) });
    try {
      return { measurement, stats: stack.github.stats(), materialized: stack.github.org.materializedRepositories };
    } finally {
      await stack.close();
      await mongoose.connection.dropDatabase();
    }
  };

  const runs: ReplicaRun[] = [];
  for (const replicas of plan.scale.replicaCounts) {
    print(`Scale: ${plan.scale.installations} installations of ${plan.small.repos} repositories, ${plan.small.pulls} pull requests each, backfilled by ${replicas} app replica(s)`);
    const { measurement } = await backfill(`replicas-${replicas}`, { org, replicas, installations: plan.scale.installations });
    runs.push({ replicas, seconds: measurement.seconds, items: measurement.items, peakRssMB: measurement.peakRssMB });
    print(`  ${measurement.items} items in ${measurement.seconds} s`);
  }

  const manyRuns: ManyRepositoriesRun[] = [];
  for (const repositories of plan.scale.manyRepositories) {
    print(`Scale: an organization of ${repositories.toLocaleString("en")} repositories of ${SMALL_REPOSITORY.pulls} pull requests, ${SMALL_REPOSITORY.issues} issues and ${SMALL_REPOSITORY.commits} commits`);
    const many = times({ repos: 1, ...SMALL_REPOSITORY, members: plan.small.members }, repositories);
    const { result, beforeMB, peakMB } = await withPeakRss(() => backfill(`repositories-${repositories}`, { org: many }));
    const { measurement, stats, materialized } = result;
    manyRuns.push({
      repositories,
      seconds: measurement.seconds,
      items: measurement.items,
      requestsPerRepository: requestsPerRepository(stats, repositories),
      jobs: measurement.jobs,
      queueStatementsPerJob: perJob(measurement),
      appPeakRssMB: measurement.peakRssMB,
      githubServerRssMB: { before: beforeMB, peak: peakMB },
      githubServerMaterializedRepositories: materialized,
    });
    print(`  ${measurement.items} items in ${measurement.seconds} s, ${manyRuns.at(-1)!.requestsPerRepository.total} requests per repository, ${manyRuns.at(-1)!.queueStatementsPerJob.total} queue statements per job`);
  }

  const replicaRatio = ratio(runs.at(-1)!.seconds, runs[0]!.seconds);
  const queueGrowth = ratio(manyRuns.at(-1)!.queueStatementsPerJob.total, manyRuns[0]!.queueStatementsPerJob.total);
  const largest = manyRuns.at(-1)!;
  return {
    replicas: { org, installations: plan.scale.installations, runs, ratio: replicaRatio },
    manyRepositories: { runs: manyRuns, queueGrowth },
    targets: SCALE_TARGETS,
    met: {
      replicaRatio: replicaRatio <= SCALE_TARGETS.replicaRatio,
      requestsPerRepository: largest.requestsPerRepository.total <= SCALE_TARGETS.requestsPerRepository,
      queueGrowth: queueGrowth <= SCALE_TARGETS.queueGrowth,
    },
  };
}

const verdict = (met: boolean) => (met ? "target met" : "target MISSED");

export function formatScale(m: ScaleMeasurement): string[] {
  const { replicas, manyRepositories, targets, met } = m;
  const largest = manyRepositories.runs.at(-1)!;
  const breakdown = (counts: Record<string, number>) => Object.entries(counts).map(([name, count]) => `${name} ${count}`).join(", ");
  return [
    `Scale (issue #15): ${replicas.installations} installations of ${replicas.org.repos / replicas.installations} repositories each (${replicas.org.pulls} pull requests, ${replicas.org.issues} issues, ${replicas.org.commits} commits in all) on one database`,
    ...replicas.runs.map((run) => `  ${run.replicas} replica(s): ${run.items} items in ${run.seconds} s, peak RSS ${run.peakRssMB} MB per replica at most`),
    `  ${replicas.runs.at(-1)!.replicas} ÷ ${replicas.runs[0]!.replicas} replica(s): ${replicas.ratio}× the time (target ≤ ${targets.replicaRatio}×: ${verdict(met.replicaRatio)})`,
    `Organizations of small repositories (5 pull requests, 5 issues, 10 commits each), one replica:`,
    ...manyRepositories.runs.map(
      (run) =>
        `  ${run.repositories.toLocaleString("en")} repositories: ${run.items} items in ${run.seconds} s; ${run.requestsPerRepository.total} GitHub requests per repository ` +
        `(${run.requestsPerRepository.graphql} GraphQL, ${run.requestsPerRepository.rest} REST); ${run.jobs} jobs, ${run.queueStatementsPerJob.total} queue statements per job ` +
        `(${breakdown(run.queueStatementsPerJob.byMethod)}); peak RSS: app ${run.appPeakRssMB} MB, local GitHub (the bench process) ${run.githubServerRssMB.before} → ${run.githubServerRssMB.peak} MB, ` +
        `${run.githubServerMaterializedRepositories} repositories' contents held at the end`,
    ),
    `  requests per repository at ${largest.repositories.toLocaleString("en")}: ${largest.requestsPerRepository.total} (target ≤ ${targets.requestsPerRepository}: ${verdict(met.requestsPerRepository)}); ` +
      `GraphQL by operation: ${breakdown(largest.requestsPerRepository.byOperation)}; REST by route: ${breakdown(largest.requestsPerRepository.byRoute)}`,
    `  queue statements per job, ${largest.repositories.toLocaleString("en")} ÷ ${manyRepositories.runs[0]!.repositories.toLocaleString("en")} repositories: ${manyRepositories.queueGrowth}× ` +
      `(target ≤ ${targets.queueGrowth}×, constant: ${verdict(met.queueGrowth)})`,
  ];
}
