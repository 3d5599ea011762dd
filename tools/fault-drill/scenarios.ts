import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { ACTIVITY_ROUND } from "../demo/live-activity.js";
import type { ActivityOptions } from "../github-server/index.js";
import { canAccess } from "../github-server/installation.js";
import { childrenOf, residentBytes } from "../process-table.js";
import { postmasterPid } from "./app-database.js";
import { discrepancyKey, healthStatus, type FaultDrill, type Verification } from "./drill.js";
import { postOversizedBody } from "./oversized-body.js";
import type { DiscrepancyKind } from "./truth.js";

/** Discrepancies listed in words per scenario (all are counted). */
const MAX_LISTED = 40;

export const SCENARIO_NAMES = ["postgres-killed", "postgres-paused", "app-killed", "app-down", "transient-failures", "oversized-body"] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** Scenario-specific observations, for the report and the tests' assertions. */
export type Facts = Record<string, string | number | boolean | null>;

/** The database against GitHub's truth after a scenario (summed over scenarios in the drill's report). */
export interface TruthCounts {
  /** Distinct webhook deliveries GitHub sent. */
  deliveriesSent: number;
  /** Deliveries not processed in the end, plus records GitHub has that were not stored (or deletions not marked). */
  lost: number;
  /** Records stored more than once. */
  duplicated: number;
  /** Records stored older than GitHub's version. */
  rolledBack: number;
  /** Records differing from GitHub's otherwise (see TruthComparison). */
  mismatched: number;
  /** Records stored that GitHub does not have. */
  unexpected: number;
}

export interface ScenarioResult extends TruthCounts {
  name: ScenarioName;
  title: string;
  /** Commits without the line counts GitHub has. */
  stale: number;
  /** Attempts the app did not answer 2xx (503 while the database was away, no connection while it was down). */
  failedAttempts: number;
  /** Attempts GitHub made because the app asked it to redeliver. */
  redeliveries: number;
  /** Deliveries the inbox processed only after a failed attempt. */
  retriedDeliveries: number;
  /** Dead inbox entries that had nothing wrong with them. */
  unexpectedDead: number;
  /** Inbox entries an earlier scenario left unfinished, still unfinished at the end of this one (not waited for). */
  carriedOverUnfinished: number;
  converged: boolean;
  /** From the end of the faults to a settled app. */
  convergenceSeconds: number;
  seconds: number;
  appAlive: boolean;
  healthStatus: number;
  unexpectedExits: number;
  facts: Facts;
  /** What went wrong in this scenario, in words (empty when nothing did). */
  discrepancies: string[];
}

interface Played {
  facts: Facts;
  /** Deliveries that must end dead (a payload that can never be processed). */
  expectedDead?: string[];
}

interface Scenario {
  name: ScenarioName;
  title: string;
  play(drill: FaultDrill, mark: number): Promise<Played>;
  /** Observations once the app has settled. */
  after?(drill: FaultDrill, played: Played, verification: Verification): Promise<Facts>;
}

/** Each round touches every kind of record, and deletes and transfers an issue. */
const ROUND: ActivityOptions = { ...ACTIVITY_ROUND, deletions: 1, transfers: 1 };
const rounds = (count: number, round = ROUND) => Array.from({ length: count }, () => round);

/** Polls `probe` until it returns something other than null (or the deadline passes: null). */
async function waitFor<T>(probe: () => T | null | Promise<T | null>, timeoutMs: number, pollMs = 50): Promise<T | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== null) return found;
    if (Date.now() > deadline) return null;
    await sleep(pollMs);
  }
}

function currentPostmaster(drill: FaultDrill): number {
  const pid = postmasterPid(drill.dataDir);
  if (!pid) throw new Error(`No PostgreSQL runs for ${drill.dataDir}`);
  return pid;
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;
const MB = 1024 * 1024;

const countEvents = (attempts: Array<{ event: string; action: string | null }>, event: string, action: string) =>
  attempts.filter((attempt) => attempt.event === event && attempt.action === action).length;

export const SCENARIOS: Scenario[] = [
  {
    name: "postgres-killed",
    title: "the embedded PostgreSQL SIGKILLed during a burst, restarted by the app's supervisor",
    async play(drill, mark) {
      const killed = currentPostmaster(drill);
      const burst = drill.burst(rounds(6));
      await drill.untilSent(mark, 30, burst);
      process.kill(killed, "SIGKILL");
      const killedAt = Date.now();
      const restarted = await waitFor(() => {
        const pid = postmasterPid(drill.dataDir);
        return pid !== null && pid !== killed ? pid : null;
      }, 90_000);
      const restartMs = Date.now() - killedAt;
      await burst;
      return { facts: { killedPid: killed, restartedPid: restarted, restartSeconds: restarted ? seconds(restartMs) : null } };
    },
  },
  {
    name: "postgres-paused",
    title: "the embedded PostgreSQL paused (SIGSTOP) during a burst, then continued (SIGCONT)",
    async play(drill, mark) {
      const postmaster = currentPostmaster(drill);
      const burst = drill.burst(rounds(4));
      await drill.untilSent(mark, 20, burst);
      // The postmaster first, so that it forks nothing new; then its backends, which serve the open connections.
      process.kill(postmaster, "SIGSTOP");
      const paused = [postmaster, ...childrenOf(postmaster)];
      for (const pid of paused.slice(1)) process.kill(pid, "SIGSTOP");
      const pausedAt = Date.now();
      const sentBefore = drill.account(mark).sent.length;
      let healthDuringPause: number;
      try {
        await sleep(Math.min(5_000, drill.options.pauseMs / 2));
        healthDuringPause = await healthStatus(drill.app.url);
        await sleep(Math.max(0, pausedAt + drill.options.pauseMs - Date.now()));
      } finally {
        for (const pid of paused.toReversed()) {
          try {
            process.kill(pid, "SIGCONT");
          } catch {
            // Gone meanwhile.
          }
        }
      }
      const pausedMs = Date.now() - pausedAt;
      const sentDuringPause = drill.account(mark).sent.length - sentBefore;
      await burst;
      const refused = drill.account(mark).failedAttempts.filter((attempt) => attempt.statusCode === 503).length;
      return { facts: { pausedProcesses: paused.length, pausedSeconds: seconds(pausedMs), healthDuringPause, sentDuringPause, answered503: refused } };
    },
  },
  {
    name: "app-killed",
    title: "the app SIGKILLed during a burst (a delivery being processed) and restarted on the same data",
    async play(drill, mark) {
      const oldPid = drill.app.pid;
      const burst = drill.burst(rounds(6));
      let done = false;
      void burst.finally(() => (done = true)).catch(() => undefined);
      await drill.untilSent(mark, 10, burst);
      // Killed while the inbox holds a delivery being processed, when one is seen before the burst is half sent.
      let processingAtKill = 0;
      while (!done && drill.account(mark).sent.length < 60) {
        processingAtKill = await drill.db.read((collection) => collection("deliveries").countDocuments({ state: "processing" }), 5_000);
        if (processingAtKill > 0) break;
      }
      const exit = await drill.stopApp("SIGKILL");
      const downAt = Date.now();
      await drill.startApp();
      const downMs = Date.now() - downAt;
      await burst;
      return { facts: { killedPid: oldPid, exitSignal: exit.signal, processingAtKill, restartedPid: drill.app.pid, downSeconds: seconds(downMs) } };
    },
  },
  {
    name: "app-down",
    title: "the app down while 100+ deliveries fail (issue deletions, transfers, a repository removed), then restarted",
    async play(drill, mark) {
      await drill.stopApp("SIGTERM");
      const round: ActivityOptions = { ...ACTIVITY_ROUND, deletions: 2, transfers: 2 };
      while (drill.account(mark).sent.length < 100) await drill.burst([round]);
      // The removal comes last: afterwards no activity touches the removed repository.
      await drill.burst([{ ...round, repositoryRemovals: 1 }]);
      const { failedAttempts, sent } = drill.account(mark);
      await drill.startApp();
      return {
        facts: {
          sentWhileDown: sent.length,
          failedWhileDown: failedAttempts.length,
          issuesDeleted: countEvents(failedAttempts, "issues", "deleted"),
          issuesTransferred: countEvents(failedAttempts, "issues", "transferred"),
          repositoriesRemoved: countEvents(failedAttempts, "installation_repositories", "removed"),
        },
      };
    },
    async after(drill) {
      const removed = [...drill.removedRepos.keys()];
      const grants = await drill.db.read((collection) => collection("repositories").find({ githubId: { $in: removed } }, { projection: { githubId: 1, granted: 1 } }).toArray());
      return { removedRepositoriesUngranted: grants.filter((grant) => grant.granted === false).length };
    },
  },
  {
    name: "transient-failures",
    title: "GitHub's API failing for a while under the background jobs webhooks queue; a malformed payload, correctly signed",
    async play(drill) {
      const faults = drill.github.context.options.faults;
      const errorsBefore = drill.github.stats().faults.errors;
      const faultsFrom = new Date();
      let failedJob: { name: string; lastError: string; attempts: number } | null = null;
      faults.errorRate = 1;
      try {
        await drill.burst(rounds(2));
        // A job whose GitHub calls failed (after the client's own retries) and that is queued to run again.
        failedJob = await waitFor(
          () =>
            drill.db.read(
              (collection) =>
                collection("jobs").findOne(
                  { state: "queued", attempts: { $gte: 1 }, lastError: { $ne: null }, updatedAt: { $gte: faultsFrom } },
                  { projection: { name: 1, lastError: 1, attempts: 1 } },
                ) as Promise<{ name: string; lastError: string; attempts: number } | null>,
              10_000,
            ),
          150_000,
          500,
        );
      } finally {
        faults.errorRate = 0;
      }
      const errorsServed = drill.github.stats().faults.errors - errorsBefore;

      // Signed with the webhook secret, about an installed repository, but not a pull_request event GitHub would send.
      const template = drill.github.context.deliveries
        .page(null, Number.MAX_SAFE_INTEGER)
        ?.items.find((attempt) => attempt.event === "pull_request" && isInstalledRepository(drill, attempt.repositoryId));
      if (!template) throw new Error("No pull_request delivery to take a repository and installation from");
      const { repository, installation, organization, sender } = template.request.payload as unknown as Record<string, unknown>;
      const malformed = await drill.github.sendWebhook("pull_request", {
        action: "opened",
        number: 99_999,
        pull_request: { id: 987_654_321, number: 99_999, title: 42 },
        repository,
        installation,
        organization,
        sender,
      } as never);
      return {
        facts: {
          apiErrorsServed: errorsServed,
          failedJob: failedJob && `${failedJob.name} (attempt ${failedJob.attempts}): ${failedJob.lastError.slice(0, 200)}`,
          malformedDelivery: malformed.guid,
          malformedAnswer: malformed.statusCode,
        },
        expectedDead: [malformed.guid],
      };
    },
    async after(drill, played) {
      const id = played.expectedDead![0]!;
      const [entry, listed] = await drill.db.read((collection) =>
        Promise.all([
          collection("deliveries").findOne({ _id: id } as object, { projection: { state: 1, lastError: 1, attempts: 1 } }),
          // What the Activity page lists as dead for the installation (src/storage/dead-deliveries.ts).
          collection("deliveries").find({ installationId: drill.installationId, state: "dead" }, { projection: { _id: 1 } }).toArray(),
        ]),
      );
      return {
        malformedState: (entry?.state as string | undefined) ?? null,
        malformedReason: (entry?.lastError as string | undefined)?.slice(0, 300) ?? null,
        malformedAttempts: (entry?.attempts as number | undefined) ?? null,
        malformedListedAsDead: listed.some((dead) => String(dead._id) === id),
      };
    },
  },
  {
    name: "oversized-body",
    title: "200 MB unsigned bodies POSTed to the webhook path, chunked and with Content-Length",
    async play(drill) {
      const { pid } = drill.app;
      const rssBefore = residentBytes(pid) ?? 0;
      const logBefore = drill.logSize();
      let peak = rssBefore;
      const sampler = setInterval(() => (peak = Math.max(peak, residentBytes(pid) ?? 0)), 20);
      let chunked, declared;
      try {
        chunked = await postOversizedBody(drill.app.webhookUrl, 200 * MB, false);
        declared = await postOversizedBody(drill.app.webhookUrl, 200 * MB, true);
      } finally {
        clearInterval(sampler);
      }
      peak = Math.max(peak, residentBytes(pid) ?? 0);
      // The app writes its log asynchronously: wait for both refusal lines.
      const readNew = () => readFileSync(drill.logFile).subarray(logBefore).toString("utf8");
      const naming = (text: string, id: string) => text.split("\n").filter((line) => line.includes(id)).length;
      // What the app answered, from its refusal lines (a client may miss the answer if the connection is reset under it).
      const answers = (text: string) =>
        text
          .split("\n")
          .filter((line) => line.includes('"msg":"webhook refused"'))
          .map((line) => Number(/"status":(\d+)/.exec(line)?.[1]));
      await waitFor(() => {
        const text = readNew();
        return naming(text, chunked.deliveryId) > 0 && naming(text, declared.deliveryId) > 0 && answers(text).length >= 2 ? true : null;
      }, 15_000);
      const added = readNew();
      return {
        facts: {
          chunkedStatus: chunked.status,
          chunkedSentMB: Math.round(chunked.sentBytes / MB),
          declaredStatus: declared.status,
          answeredStatuses: answers(added).join(","),
          rssBeforeMB: Math.round(rssBefore / MB),
          rssGrowthMB: Math.round(((peak - rssBefore) / MB) * 10) / 10,
          logGrowthBytes: drill.logSize() - logBefore,
          logLinesAdded: added.split("\n").filter(Boolean).length,
          linesNamingChunked: naming(added, chunked.deliveryId),
          linesNamingDeclared: naming(added, declared.deliveryId),
        },
      };
    },
  },
];

function isInstalledRepository(drill: FaultDrill, repositoryId: number | null): boolean {
  const installation = drill.github.installation();
  const repo = repositoryId === null ? undefined : drill.github.org.repoById(repositoryId);
  return Boolean(installation && repo && canAccess(installation, repo));
}

/** Plays one scenario on the drill, waits for the app to settle, and compares its database with GitHub's truth. */
export async function runScenario(drill: FaultDrill, name: ScenarioName): Promise<ScenarioResult> {
  const scenario = SCENARIOS.find((candidate) => candidate.name === name);
  if (!scenario) throw new Error(`No scenario named ${name}`);
  drill.options.log(`${name}: ${scenario.title}`);
  const started = Date.now();
  const since = new Date();
  const mark = drill.mark();
  const played = await scenario.play(drill, mark);
  const { sent } = drill.account(mark);
  const verification = await drill.verify(since, sent, played.expectedDead);
  const after = (await scenario.after?.(drill, played, verification)) ?? {};
  const account = drill.account(mark);
  const { truth, convergence } = verification;
  // The truth is compared whole every time: what an earlier scenario left wrong is not this one's doing.
  const fresh = truth.discrepancies.filter((discrepancy) => !drill.seenDiscrepancies.has(discrepancyKey(discrepancy)));
  for (const discrepancy of truth.discrepancies) drill.seenDiscrepancies.add(discrepancyKey(discrepancy));
  const count = (kind: DiscrepancyKind) => fresh.filter((discrepancy) => discrepancy.kind === kind).length;
  const describe = (id: string) => {
    const entry = convergence.entries.get(id);
    if (!entry) return `delivery ${id} never stored in the inbox`;
    const event = entry.action ? `${entry.event}.${entry.action}` : entry.event;
    return `delivery ${id} ${event} left ${entry.state} after ${entry.attempts} attempts${entry.lastError ? ` (${entry.lastError.slice(0, 200)})` : ""}`;
  };
  const discrepancies = [
    ...(convergence.converged
      ? []
      : [`not settled after ${seconds(convergence.waitedMs)} s: ${convergence.unfinished} inbox entries unfinished, ${convergence.outstanding.length} deliveries outstanding, ${convergence.pendingJobs} jobs pending`]),
    ...verification.lostDeliveries.slice(0, 20).map(describe),
    ...verification.unexpectedDead.map((dead) => `delivery ${dead.id} ${dead.event} dead: ${dead.reason ?? "no reason"}`),
    ...fresh.slice(0, MAX_LISTED).map((discrepancy) => `${discrepancy.kind}: ${discrepancy.text}`),
    ...(fresh.length > MAX_LISTED ? [`… and ${fresh.length - MAX_LISTED} more discrepancies`] : []),
    ...(verification.appAlive ? [] : ["the app is not running"]),
    ...verification.unexpectedExits.map((exit) => `the app exited by itself (${exit.signal ?? `code ${exit.code}`})`),
    ...(verification.healthStatus === 200 ? [] : [`GET /health answered ${verification.healthStatus}`]),
  ];
  const result: ScenarioResult = {
    name,
    title: scenario.title,
    deliveriesSent: sent.length,
    lost: verification.lostDeliveries.length + count("missing"),
    duplicated: count("duplicated"),
    rolledBack: count("rolledBack"),
    mismatched: count("mismatched"),
    unexpected: count("unexpected"),
    stale: count("stale"),
    failedAttempts: account.failedAttempts.length,
    redeliveries: account.redeliveries,
    retriedDeliveries: verification.retriedDeliveries,
    unexpectedDead: verification.unexpectedDead.length,
    carriedOverUnfinished: convergence.olderUnfinished,
    converged: convergence.converged,
    convergenceSeconds: seconds(convergence.waitedMs),
    seconds: seconds(Date.now() - started),
    appAlive: verification.appAlive,
    healthStatus: verification.healthStatus,
    unexpectedExits: verification.unexpectedExits.length,
    facts: { ...played.facts, ...after },
    discrepancies,
  };
  drill.options.log(
    `${name}: ${result.deliveriesSent} deliveries sent, ${result.failedAttempts} failed attempts, ${result.redeliveries} redelivered; lost ${result.lost}, duplicated ${result.duplicated}, rolled back ${result.rolledBack} (${result.seconds} s, ${result.convergenceSeconds} s to settle)`,
  );
  return result;
}
