import { RESERVE } from "../src/github/rate-budget.js";
import type { StatsSnapshot } from "../tools/github-server/index.js";
import { measureBackfill, type BackfillMeasurement, type BackfillOptions } from "./backfill-run.js";

export interface CompressedQuotaRun {
  /** GitHub's primary limit scaled down: points and REST requests per window, each. */
  limitPerWindow: number;
  windowSeconds: number;
  graphqlPoints: number;
  restRequests: number;
  /** Time the budget alone needs for what was spent (see `predictedSeconds`), and the backfill's actual time. */
  predictedSeconds: number;
  seconds: number;
  ofPredicted: number;
  /** Requests GitHub refused for a limit (and the throttling then absorbed, if the backfill is complete). */
  refused: { primary: number; secondary: number };
  /** Whether the backfill stored exactly what the unconstrained backfill of the same organization did. */
  complete: boolean;
}

/** REST requests charged to the installation: every REST route but the app's own (`/app/…`, charged to its JWT). */
function installationRestRequests(stats: StatsSnapshot): number {
  return Object.entries(stats.requests)
    .filter(([route]) => !route.startsWith("POST /graphql") && !/^\w+ \/app\b/.test(route))
    .reduce((sum, [route, requests]) => sum + requests - (stats.notModifiedRequests[route] ?? 0), 0);
}

/**
 * What the budget predicts: GitHub grants a window's limit at once, every window; the app spends it less the reserve
 * it keeps; so what was spent needs ⌈spent ÷ usable⌉ windows, the first at once and the last one starting that many
 * windows, less one, later — when the backfill can be done if the budget is all that holds it back.
 */
export function predictedSeconds(spent: number, limitPerWindow: number, windowSeconds: number): number {
  const windows = Math.ceil(spent / (limitPerWindow * (1 - RESERVE)));
  return Math.max(0, windows - 1) * windowSeconds;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/**
 * The large organization's backfill again, under GitHub's primary limit compressed in time (an hour's 5,000 scaled
 * to a window of seconds, sized from what the unconstrained backfill spent so it needs about `windows` of them) and
 * GitHub's real secondary limits, without latency or query timeouts: it must finish with everything stored, in
 * about the time its budget predicts.
 */
export async function runCompressedQuota(
  unconstrained: BackfillMeasurement,
  options: Omit<BackfillOptions, "github" | "org">,
): Promise<CompressedQuotaRun> {
  const { windows, windowSeconds } = options.plan.quotaRun;
  // GraphQL carries the backfill (REST only the odd probe): its points set the windows needed. Sized so that they end
  // half way through the last window: sized to fill the last one exactly, a run's spend (which varies by a few
  // dozen points from run to run) or a few points a window leaves unspent (a query waits when its expected cost
  // exceeds what is left) moved the end by a whole window, a fifth of the prediction, and the run timed that.
  const limitPerWindow = Math.max(10, Math.ceil(unconstrained.graphql.points / (windows - 0.5) / (1 - RESERVE)));
  const { measurement, stack } = await measureBackfill({
    ...options,
    org: unconstrained.org,
    github: {
      rateLimit: { core: limitPerWindow, graphql: limitPerWindow, windowMs: windowSeconds * 1000 },
      secondaryLimit: { maxConcurrent: 100, pointsPerMinute: 900 },
      // What is measured is pacing by the budget: with GitHub's latency and query timeouts on, the app would need
      // most of each compressed window to spend it, and the run would time the app rather than the budget.
      faults: { latencyMs: 0 },
      graphql: { nodeBudget: Infinity },
    },
  });
  try {
    const stats = stack.github.stats();
    const graphqlPoints = stats.graphql.cost;
    const restRequests = installationRestRequests(stats);
    const predicted = predictedSeconds(Math.max(graphqlPoints, restRequests), limitPerWindow, windowSeconds);
    return {
      limitPerWindow,
      windowSeconds,
      graphqlPoints,
      restRequests,
      predictedSeconds: round1(predicted),
      seconds: measurement.seconds,
      ofPredicted: predicted > 0 ? round1((measurement.seconds / predicted) * 100) / 100 : 0,
      refused: { ...stats.rateLimited },
      complete: JSON.stringify(measurement.stored) === JSON.stringify(unconstrained.stored),
    };
  } finally {
    await stack.close();
  }
}
