import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import mongoose from "mongoose";
import { describe, inject, it } from "vitest";
import { freeLoopbackPort } from "../../src/db/loopback-port.js";
import { generateAppKey } from "../../tools/demo/app-key.js";
import { startAppProcess, type AppProcess } from "../../tools/demo/app-process.js";
import { ACTIVITY_ROUND } from "../../tools/demo/live-activity.js";
import { connectionReader } from "../../tools/fault-drill/app-database.js";
import { waitForConvergence } from "../../tools/fault-drill/convergence.js";
import { DRILL_ORG } from "../../tools/fault-drill/drill.js";
import { compareWithTruth, removedIssueIds } from "../../tools/fault-drill/truth.js";
import { startGitHubServer, type ActivityOptions, type GitHubServer } from "../../tools/github-server/index.js";
import { eventually } from "../helpers/eventually.js";
import { replayJobRuns } from "../helpers/job-runs.js";
import { jobRunEvents, passRuns, type PassRun, type ReplicaLog } from "../helpers/replica-logs.js";
import { allowLoopback } from "../tools/github-server/helpers.js";

/*
 * Whole app processes (`npm start`, as deployed) as replicas on one database — this file's — against the local GitHub:
 * an organization is installed and backfilled while live activity lands, its webhooks spread over the replicas, and
 * one replica is SIGKILLed while it runs a job. What each replica did is read back from its log: every job run (its
 * start and outcome lines, with key, installation and worker) and every periodic pass run (start and end lines).
 */

const REDELIVERY_INTERVAL_MS = 5_000;
const SYNC_INTERVAL_MS = 60_000;
/** Every kind of change, issue deletions and transfers included. */
const ROUND: ActivityOptions = { ...ACTIVITY_ROUND, deletions: 1, transfers: 1 };
/** GitHub's hourly 5,000 points and REST requests, scaled down so that this organization's backfill needs several windows. */
const RATE_LIMIT_PER_WINDOW = 20;
const RATE_LIMIT_WINDOW_MS = 10_000;
/** Jobs done (by any replica) before the kill. */
const JOBS_BEFORE_KILL = 3;
/** Live activity goes on this long after the kill (the dead replica's job leases lapse after 60 s). */
const ACTIVITY_AFTER_KILL_MS = 30_000;

interface Replica {
  app: AppProcess;
  log: ReplicaLog;
}

/** Starts `count` replicas on `mongodbUri` at once, each on its own port with its own log. */
function startReplicas(count: number, github: GitHubServer, privateKey: string, mongodbUri: string, logDir: string, env: Record<string, string>): Promise<Replica[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const log: ReplicaLog = { replica: `replica ${i + 1}`, file: join(logDir, `replica-${i + 1}.log`) };
      const app = await startAppProcess({ github, privateKey, mongodbUri, port: await freeLoopbackPort(), logFile: log.file, startTimeoutMs: 120_000, env });
      return { app, log };
    }),
  );
}

/**
 * Live activity until `stopped()`: each round's webhooks go to the next of the replicas `targets()` names (the local
 * GitHub sends to one URL: it is moved round to round, as a load balancer would spread them). Returns the delivery ids.
 */
async function playActivity(github: GitHubServer, targets: () => AppProcess[], stopped: () => boolean): Promise<string[]> {
  const sent: string[] = [];
  for (let round = 0; !stopped(); round += 1) {
    const live = targets();
    github.context.options.app.webhookUrl = live[round % live.length]!.webhookUrl;
    sent.push(...(await github.simulateActivity(ROUND)).map((delivery) => delivery.guid));
    await sleep(300);
  }
  return sent;
}

/** Consecutive runs of a pass that break "once per interval in total": overlapping, or one sooner than an interval after the last ended. */
function passRunsTooSoon(runs: PassRun[], intervalMs: number, steadyFrom: number): string[] {
  return runs.slice(1).flatMap((next, i) => {
    const previous = runs[i]!;
    const describe = `${previous.replica} ${previous.start}–${previous.end}, then ${next.replica} at ${next.start}`;
    if (next.start < previous.end) return [`overlap: ${describe}`];
    // A run handed back (its replica stopping) is due at once; a replica starting asks for a run (RECONCILE_ON_STARTUP).
    if (previous.aborted || previous.start < steadyFrom) return [];
    return next.start - previous.end < intervalMs ? [`sooner than ${intervalMs} ms: ${describe}`] : [];
  });
}

interface Case {
  count: number;
  /** Where the replicas share the installations' rate budget (REDIS_URL also clusters Probot's throttling). */
  budget: string;
  env: Record<string, string>;
}

// The two cases are independent (each its own local GitHub, database and installation) and mostly wait for a dead
// replica's leases to lapse: they run side by side.
describe.concurrent("two and three whole app processes on one database, against the local GitHub", () => {
  it.for<Case>([
    { count: 2, budget: "the database", env: {} },
    { count: 3, budget: "Redis", env: { REDIS_URL: inject("redisUrl") } },
  ])(
    "$count replicas (rate budget in $budget), one SIGKILLed during the backfill and live activity: the database equals GitHub's truth, jobs and passes ran as promised",
    { timeout: 300_000 },
    async ({ count, env }, { expect }) => {
      allowLoopback();
      const logDir = mkdtempSync(join(tmpdir(), "tributary-replicas-"));
      const privateKey = generateAppKey();
      const installationId = 9_000 + count;
      const github = await startGitHubServer({
        // A small organization, and an installation id of its own (its keys in the run's Redis are this case's alone).
        org: { ...DRILL_ORG, seed: `app-replicas-${count}` },
        app: { key: privateKey },
        installation: { id: installationId, preinstalled: false },
        // GitHub's primary limit compressed (the replicas together spend more than a window of it) and its secondary
        // limits; latency, so that jobs last long enough to overlap if they could.
        rateLimit: { core: RATE_LIMIT_PER_WINDOW, graphql: RATE_LIMIT_PER_WINDOW, windowMs: RATE_LIMIT_WINDOW_MS },
        secondaryLimit: { maxConcurrent: 100, pointsPerMinute: 900 },
        faults: { latencyMs: 20 },
      });
      const mongodbUri = `${inject("mongoUri").replace(/\/?$/, "/")}${mongoose.connection.name}_${count}`;
      const database = await mongoose.createConnection(mongodbUri).asPromise();
      const reader = connectionReader(database);
      let replicas: Replica[] = [];
      let passed = false;
      try {
        const started = Date.now();
        replicas = await startReplicas(count, github, privateKey, mongodbUri, logDir, {
          ...env,
          LOG_LEVEL: "debug",
          SYNC_INTERVAL_MINUTES: String(SYNC_INTERVAL_MS / 60_000),
          REDELIVERY_INTERVAL_SECONDS: String(REDELIVERY_INTERVAL_MS / 1_000),
        });
        // Every replica has asked for its startup runs of the passes by now: from here on, runs are once per interval.
        const steadyFrom = Date.now();
        const goneBeforeInstall = removedIssueIds(github.org);
        const since = new Date();

        github.context.options.app.webhookUrl = replicas[0]!.app.webhookUrl;
        const { delivery: installed } = await github.simulateInstall({ sender: github.org.admins()[0]!.login });
        expect(installed.status).toBe("OK");
        let doomed: Replica | undefined;
        let activityOver = false;
        const activity = playActivity(github, () => replicas.filter((replica) => replica !== doomed).map(({ app }) => app), () => activityOver);

        // Midway: once a few jobs of the backfill are done, a replica is killed while it runs one (whose lease must
        // lapse for another replica to take it over, from its checkpoint).
        const jobsDone = () => reader.read((collection) => collection("jobs").countDocuments({ state: "done" }));
        doomed = await eventually(
          "a replica runs a job midway",
          async () => (await sleep(100), (await jobsDone()) >= JOBS_BEFORE_KILL && replicas.find(({ log }) => jobRunEvents([log]).unended.length > 0)),
          90_000,
        );
        const runningAtKill = jobRunEvents([doomed.log]).unended;
        const exit = await doomed.app.kill("SIGKILL");
        doomed.log.killedAt = Date.now();
        const survivors = replicas.filter((replica) => replica !== doomed);
        await sleep(ACTIVITY_AFTER_KILL_MS);
        activityOver = true;
        const sent = [installed.guid, ...(await activity)];

        const convergence = await waitForConvergence(reader, { deliveryIds: sent, since, timeoutMs: 150_000 });
        const truth = await compareWithTruth(github, reader, { removedRepos: new Map(), goneBeforeInstall });
        await Promise.all(survivors.map(({ app }) => app.stop()));
        await Promise.all(replicas.map(({ app }) => app.logWritten));
        const stats = github.stats();

        // Nothing lost or duplicated: every delivery processed, the database equal to the organization's truth.
        expect(exit.signal).toBe("SIGKILL");
        expect(runningAtKill).not.toEqual([]);
        expect(convergence).toMatchObject({ converged: true, outstanding: [] });
        expect([...convergence.entries.values()].filter((entry) => entry.state !== "processed")).toEqual([]);
        expect(truth.discrepancies).toEqual([]);
        expect(truth).toMatchObject({ missing: 0, duplicated: 0, rolledBack: 0, mismatched: 0, unexpected: 0, stale: 0 });
        expect(truth.checked.pullRequests).toBeGreaterThan(DRILL_ORG.pulls!);

        // No key ran on two replicas at once; the installation's jobs ran 2 at once at most (and did reach 2); the work
        // was shared (with one installation only 2 of its jobs run at once, so a third replica may find none free).
        // Runs the killed replica left open count as running until its kill.
        const logs = replicas.map(({ log }) => log);
        const { events, unended } = jobRunEvents(logs);
        const { peak, overlappingKeys } = replayJobRuns(events);
        expect(unended).toEqual([]);
        expect(overlappingKeys).toEqual([]);
        expect(peak).toEqual({ [installationId]: 2 });
        expect(new Set(events.map(({ replica }) => replica)).size).toBeGreaterThanOrEqual(2);

        // The periodic passes: one run at a time, once per interval in total.
        const redeliveryRuns = passRuns(logs, "redelivery");
        expect(passRunsTooSoon(redeliveryRuns, REDELIVERY_INTERVAL_MS, steadyFrom)).toEqual([]);
        expect(passRunsTooSoon(passRuns(logs, "periodic-sync"), SYNC_INTERVAL_MS, steadyFrom)).toEqual([]);
        expect(redeliveryRuns.length).toBeGreaterThan(5);

        // GitHub refused nothing for a limit, though the replicas together spent more than a window of it.
        expect(stats.rateLimited).toEqual({ primary: 0, secondary: 0 });
        expect(stats.graphql.cost).toBeGreaterThan(RATE_LIMIT_PER_WINDOW);

        console.info(
          `[app replicas] ${count} replicas: ${sent.length} deliveries, ${events.length / 2} job runs (${runningAtKill.length} on the killed replica at its kill), ` +
            `${redeliveryRuns.length} redelivery passes, ${stats.graphql.cost} GraphQL points; settled ${Math.round(convergence.waitedMs / 1000)} s after the activity, ${Math.round((Date.now() - started) / 1000)} s in all`,
        );
        passed = true;
      } finally {
        if (passed) rmSync(logDir, { recursive: true, force: true });
        else console.warn(`[app replicas] ${count} replicas: their logs are kept in ${logDir}`);
        await Promise.all(replicas.map(({ app }) => app.kill("SIGKILL")));
        await github.close();
        await database.dropDatabase().catch(() => undefined);
        await database.close();
      }
    },
  );
});
