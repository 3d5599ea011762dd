import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { generateAppKey } from "../demo/app-key.js";
import { freeLoopbackPort } from "../../src/db/loopback-port.js";
import { startAppProcess, type AppExit, type AppProcess } from "../demo/app-process.js";
import { startGitHubServer, type ActivityOptions, type Delivery, type GitHubServer } from "../github-server/index.js";
import { installedRepos } from "../github-server/installation.js";
import type { OrgOptions } from "../github-server/org/generate.js";
import { AppDatabase } from "./app-database.js";
import { waitForConvergence, type Convergence } from "./convergence.js";
import { compareWithTruth, removedIssueIds, type Discrepancy, type TruthComparison, type TruthScope } from "./truth.js";

export const discrepancyKey = (discrepancy: Discrepancy) => `${discrepancy.kind}:${discrepancy.record}`;

/** Small and seeded: a few repositories, a few dozen pull requests and issues. */
export const DRILL_ORG: Partial<OrgOptions> = { repos: 3, pulls: 36, issues: 24, commits: 60, members: 8, seed: "fault-drill" };

export interface FaultDrillOptions {
  org?: Partial<OrgOptions>;
  /** Where the app's embedded database and log go; a fresh temporary folder when absent (removed on close). */
  workDir?: string;
  /** How long a scenario may take to settle once its faults are over. */
  convergenceTimeoutMs?: number;
  /** How long PostgreSQL stays paused in the pause scenario. */
  pauseMs?: number;
  /** The app's redelivery pass interval (REDELIVERY_INTERVAL_SECONDS). */
  redeliveryIntervalSeconds?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** What the drill knows about the app's deliveries in a stretch of time, from GitHub's side. */
export interface DeliveryAccount {
  /** Distinct deliveries sent (first attempts). */
  sent: string[];
  /** Attempts that the app did not answer 2xx (refused, timed out, no connection). */
  failedAttempts: Delivery[];
  /** Attempts made because someone asked GitHub to redeliver. */
  redeliveries: number;
}

export interface Verification {
  convergence: Convergence;
  truth: TruthComparison;
  /** Deliveries sent that did not end processed (or dead, where expected) in the inbox. */
  lostDeliveries: string[];
  /** Deliveries that ended dead although nothing about them was wrong. */
  unexpectedDead: Array<{ id: string; event: string; reason: string | null }>;
  /** Deliveries the inbox processed after more than one attempt (a handler failed and was retried). */
  retriedDeliveries: number;
  appAlive: boolean;
  /** `GET /health` at the end. */
  healthStatus: number;
  /** Exits of the app nobody asked for (a crash). */
  unexpectedExits: AppExit[];
}

const HEALTH_TIMEOUT_MS = 5_000;

/** `GET /health`: the status, or 0 when there is no answer in time. */
export function healthStatus(url: string, timeoutMs = HEALTH_TIMEOUT_MS): Promise<number> {
  return new Promise((resolve) => {
    const req = get(`${url}/health`, { timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(0));
  });
}

/**
 * One organization on the local GitHub, the app installed on it as a real child process (`npm start` without
 * MONGODB_URI: its own embedded database, supervised by it, in a folder the drill knows), and the backfill done.
 * Scenarios play faults against it; `verify` waits for the app to settle and compares its database with GitHub.
 */
export class FaultDrill {
  app!: AppProcess;
  readonly db: AppDatabase;
  readonly dataDir: string;
  readonly logFile: string;
  readonly installationId: number;
  /** The database compared with GitHub right after the backfill. */
  baseline!: TruthComparison;
  /** Discrepancies reported so far (`kind:record`): a scenario counts only those it brought. */
  readonly seenDiscrepancies = new Set<string>();
  /** Repositories removed from the installation during the drill, with when. */
  readonly removedRepos = new Map<number, number>();
  readonly options: Required<Omit<FaultDrillOptions, "workDir" | "org">>;
  private readonly goneBeforeInstall: Set<number>;
  private readonly unexpectedExits: AppExit[] = [];
  /** App processes the drill itself stopped or killed. */
  private readonly endedOnPurpose = new WeakSet<AppProcess>();

  private constructor(
    readonly github: GitHubServer,
    private readonly privateKey: string,
    readonly port: number,
    readonly workDir: string,
    private readonly ownsWorkDir: boolean,
    options: FaultDrillOptions,
  ) {
    this.dataDir = join(workDir, "database");
    this.logFile = join(workDir, "app.log");
    this.db = new AppDatabase(this.dataDir);
    this.installationId = github.context.options.installation.id;
    this.goneBeforeInstall = removedIssueIds(github.org);
    this.options = {
      convergenceTimeoutMs: options.convergenceTimeoutMs ?? 120_000,
      pauseMs: options.pauseMs ?? 30_000,
      redeliveryIntervalSeconds: options.redeliveryIntervalSeconds ?? 5,
      log: options.log ?? (() => {}),
    };
  }

  /** Starts the local GitHub and the app, installs the app and waits for its backfill. */
  static async start(options: FaultDrillOptions = {}): Promise<FaultDrill> {
    const ownsWorkDir = !options.workDir;
    const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), "tributary-fault-drill-"));
    mkdirSync(join(workDir, "database"), { recursive: true });
    // As root, PostgreSQL runs as an unprivileged user, who must be able to enter the folders.
    chmodSync(workDir, 0o755);
    chmodSync(join(workDir, "database"), 0o755);
    const privateKey = generateAppKey();
    const port = await freeLoopbackPort();
    const github = await startGitHubServer({
      org: { ...DRILL_ORG, ...options.org },
      app: { key: privateKey, webhookUrl: `http://127.0.0.1:${port}/api/github/webhooks` },
      installation: { preinstalled: false },
    });
    const drill = new FaultDrill(github, privateKey, port, workDir, ownsWorkDir, options);
    try {
      await drill.startApp({ appendLog: false });
      const { delivery } = await github.simulateInstall({ sender: github.org.admins()[0]!.login });
      if (delivery.status !== "OK") throw new Error(`The app did not accept the installation webhook: ${delivery.status}`);
      drill.options.log(`installed on ${github.org.org.login}; waiting for the backfill`);
      const settled = await waitForConvergence(drill.db, { deliveryIds: [delivery.guid], since: new Date(0), timeoutMs: drill.options.convergenceTimeoutMs });
      if (!settled.converged) throw new Error(`The backfill did not finish in ${drill.options.convergenceTimeoutMs / 1000} s (${settled.pendingJobs} jobs pending)`);
      drill.baseline = await compareWithTruth(github, drill.db, drill.truthScope());
      for (const discrepancy of drill.baseline.discrepancies) drill.seenDiscrepancies.add(discrepancyKey(discrepancy));
      return drill;
    } catch (error) {
      await drill.close();
      throw error;
    }
  }

  /** Starts the app (again) on the drill's port, database folder and log. */
  async startApp({ appendLog = true } = {}): Promise<AppProcess> {
    this.app = await startAppProcess({
      github: this.github,
      privateKey: this.privateKey,
      dataDir: this.dataDir,
      port: this.port,
      logFile: this.logFile,
      appendLog,
      startTimeoutMs: 120_000,
      env: {
        // The drill tests the inbox and redelivery, not the safety net of reconciling (which would re-read GitHub).
        RECONCILE_ON_STARTUP: "false",
        REDELIVERY_INTERVAL_SECONDS: String(this.options.redeliveryIntervalSeconds),
      },
    });
    const app = this.app;
    void app.exited.then((exit) => {
      if (!this.endedOnPurpose.has(app)) this.unexpectedExits.push(exit);
    });
    return app;
  }

  /** Ends the app with `signal` (SIGKILL: a crash; SIGTERM: a stop) and waits until it is gone. */
  async stopApp(signal: NodeJS.Signals): Promise<AppExit> {
    this.endedOnPurpose.add(this.app);
    return signal === "SIGTERM" ? (await this.app.stop(), await this.app.exited) : this.app.kill(signal);
  }

  // ---- deliveries, from GitHub's side ---------------------------------------------------------------------

  private attempts(): Delivery[] {
    return this.github.context.deliveries.page(null, Number.MAX_SAFE_INTEGER)?.items ?? [];
  }

  /** Marks the present: attempts after it belong to what follows. */
  mark(): number {
    return this.github.context.deliveries.page(null, 1)?.items[0]?.id ?? 0;
  }

  /** Deliveries and attempts after `mark`. */
  account(mark: number): DeliveryAccount {
    const attempts = this.attempts().filter((attempt) => attempt.id > mark);
    return {
      sent: [...new Set(attempts.filter((attempt) => !attempt.redelivery).map((attempt) => attempt.guid))],
      failedAttempts: attempts.filter((attempt) => attempt.statusCode < 200 || attempt.statusCode >= 300),
      redeliveries: attempts.filter((attempt) => attempt.redelivery).length,
    };
  }

  /** Resolves once `count` deliveries were sent after `mark`, or `until` settled first. */
  async untilSent(mark: number, count: number, until: Promise<unknown>): Promise<void> {
    let done = false;
    void until.finally(() => (done = true)).catch(() => undefined);
    while (!done && this.account(mark).sent.length < count) await sleep(10);
  }

  /**
   * Live activity: rounds played one after another, each change made on GitHub and announced by webhook (sent one at
   * a time, as GitHub does for one hook). Repositories the rounds remove from the installation are noted.
   */
  async burst(rounds: ActivityOptions[]): Promise<Delivery[]> {
    const deliveries: Delivery[] = [];
    for (const round of rounds) {
      const before = this.installedIds();
      deliveries.push(...(await this.github.simulateActivity(round)));
      const after = this.installedIds();
      for (const id of before) if (!after.has(id)) this.removedRepos.set(id, this.github.context.now());
    }
    return deliveries;
  }

  private installedIds(): Set<number> {
    const installation = this.github.installation();
    return new Set(installation ? installedRepos(installation, this.github.org.org.repos).map((repo) => repo.id) : []);
  }

  // ---- verification ---------------------------------------------------------------------------------------

  truthScope(): TruthScope {
    return { removedRepos: this.removedRepos, goneBeforeInstall: this.goneBeforeInstall };
  }

  /**
   * Waits until the app has settled (every delivery in `deliveryIds` finished in the inbox, nothing received since
   * `since` unfinished, no job pending), then compares its database with GitHub's truth and checks that the app still runs and is healthy.
   */
  async verify(since: Date, deliveryIds: string[], expectedDead: string[] = []): Promise<Verification> {
    const convergence = await waitForConvergence(this.db, { deliveryIds, since, timeoutMs: this.options.convergenceTimeoutMs });
    const truth = await compareWithTruth(this.github, this.db, this.truthScope());
    const dead = new Set(expectedDead);
    const lostDeliveries = deliveryIds.filter((id) => {
      const state = convergence.entries.get(id)?.state;
      return !(state === "processed" || (state === "dead" && dead.has(id)));
    });
    const unexpectedDead = [...convergence.entries.values()]
      .filter((entry) => entry.state === "dead" && !dead.has(entry._id))
      .map((entry) => ({ id: entry._id, event: entry.action ? `${entry.event}.${entry.action}` : entry.event, reason: entry.lastError }));
    const retriedDeliveries = [...convergence.entries.values()].filter((entry) => entry.state === "processed" && entry.attempts > 1).length;
    let health = await healthStatus(this.app.url);
    // One more look after a blip: the health check pings the database, which answered a moment ago.
    if (health !== 200 && this.app.running) health = await healthStatus(this.app.url);
    return {
      convergence,
      truth,
      lostDeliveries,
      unexpectedDead,
      retriedDeliveries,
      appAlive: this.app.running,
      healthStatus: health,
      unexpectedExits: [...this.unexpectedExits],
    };
  }

  /** Bytes in the app's log so far. */
  logSize(): number {
    try {
      return statSync(this.logFile).size;
    } catch {
      return 0;
    }
  }

  async close(): Promise<void> {
    if (this.app) this.endedOnPurpose.add(this.app);
    await this.app?.stop().catch(() => undefined);
    await this.db.disconnect();
    await this.github.close().catch(() => undefined);
    if (this.ownsWorkDir) rmSync(this.workDir, { recursive: true, force: true });
  }
}
