import type { OrgOptions } from "../github-server/org/generate.js";
import { count, delta, seconds } from "./format.js";
import { waitForBackfill } from "./import-progress.js";
import { streamActivity } from "./live-activity.js";
import { BackfillBars } from "./progress-bars.js";
import { startStack, type Stack } from "./stack.js";
import { readStoredCounts } from "./stored-counts.js";
import { printSummary, readSummary, type DemoSummary } from "./summary.js";

export interface DemoOptions {
  org: Partial<OrgOptions>;
  /** Latency of the local GitHub per API request, so the backfill moves at a watchable pace. */
  latencyMs: number;
  activityMs: number;
  /** The app's database, which this process is connected to as well. */
  mongodbUri: string;
  logFile: string;
  port?: number;
  /** Terminal progress bars; off in tests, where lines are enough. */
  bars: boolean;
  print: (line: string) => void;
}

export interface DemoRun {
  stack: Stack;
  summary: DemoSummary;
}

/**
 * The whole flow a newcomer should see: the app starts against a generated organization, an owner installs it,
 * the backfill runs with progress, live activity lands by webhook, and a summary says what was stored and what it
 * cost in API requests. The stack is left running for the caller to close (or keep for the web UI).
 */
export async function runDemo(options: DemoOptions): Promise<DemoRun> {
  const { print } = options;
  const stack = await startStack({ org: options.org, github: { faults: { latencyMs: options.latencyMs } }, mongodbUri: options.mongodbUri, logFile: options.logFile, port: options.port });
  try {
    const { github, app } = stack;
    const { org } = github.org;
    print(`Local GitHub  ${github.url}: organization ${org.login} with ${org.repos.length} repositories, ${count(github.org.options.pulls)} pull requests, ${count(github.org.options.issues)} issues, ${count(github.org.options.commits)} commits, ${org.members.length} members`);
    print(`App           ${app.url} (log: ${options.logFile})`);

    const owner = github.org.admins()[0]!.login;
    const { installation, delivery } = await github.simulateInstall({ sender: owner });
    if (delivery.status !== "OK") throw new Error(`The app did not accept the installation webhook: ${delivery.status}`);
    print(`Installed     ${owner} installed the app on ${org.login} (installation ${installation.id}); backfill started`);

    const started = Date.now();
    const bars = options.bars ? new BackfillBars() : undefined;
    await waitForBackfill(installation.id, { onProgress: (progress) => bars?.update(progress) });
    bars?.stop();
    const backfillMs = Date.now() - started;
    print(`Backfill done in ${seconds(backfillMs)}`);

    print(`Live activity for ${seconds(options.activityMs)}: changes on GitHub, delivered by webhook`);
    let previous = await readStoredCounts();
    await streamActivity(github, {
      durationMs: options.activityMs,
      onRound({ round, deliveries, failed, counts }) {
        const change = (key: keyof typeof counts) => `${count(counts[key])} (${delta(counts[key] - previous[key])})`;
        print(`  round ${round}: ${deliveries} webhooks${failed ? ` (${failed} failed)` : ""} → pull requests ${change("pullRequests")} · reviews ${change("reviews")} · commits ${change("commits")} · issues ${change("tickets")}`);
        previous = counts;
      },
    });

    const summary = await readSummary(github, installation.id, backfillMs);
    printSummary(summary, print);
    return { stack, summary };
  } catch (error) {
    await stack.close();
    throw error;
  }
}
