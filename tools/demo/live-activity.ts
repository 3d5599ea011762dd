import { setTimeout as sleep } from "node:timers/promises";
import type { ActivityOptions, GitHubServer } from "../github-server/index.js";
import { readStoredCounts, type StoredCounts } from "./stored-counts.js";

/** One round of what a busy organization does in a few seconds. */
export const ACTIVITY_ROUND: ActivityOptions = { pullRequests: 2, reviews: 4, pushes: 3, merges: 1, issues: 2, comments: 3 };

export interface ActivityReport {
  round: number;
  deliveries: number;
  failed: number;
  /** Stored records after the round's webhooks were answered. */
  counts: StoredCounts;
}

/**
 * Plays live activity on the organization for a while: each change is made on the server, which sends the app
 * the webhook GitHub would; the app stores it before answering, so the counts read afterwards include it.
 */
export async function streamActivity(
  github: GitHubServer,
  options: { durationMs: number; pauseMs?: number; round?: ActivityOptions; onRound?: (report: ActivityReport) => void },
): Promise<ActivityReport[]> {
  const reports: ActivityReport[] = [];
  const until = Date.now() + options.durationMs;
  while (Date.now() < until || reports.length === 0) {
    const deliveries = await github.simulateActivity(options.round ?? ACTIVITY_ROUND);
    const report = {
      round: reports.length + 1,
      deliveries: deliveries.length,
      failed: deliveries.filter((delivery) => delivery.status !== "OK").length,
      counts: await readStoredCounts(),
    };
    reports.push(report);
    options.onRound?.(report);
    await sleep(options.pauseMs ?? 1_000);
  }
  return reports;
}
