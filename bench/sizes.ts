import { SCENARIO_NAMES, type ScenarioName } from "../tools/fault-drill/index.js";
import type { OrgSize } from "../tools/github-server/org/generate.js";
import type { ScalePlan } from "./scale.js";
import type { WebPagesPlan } from "./web-pages.js";

export interface BenchPlan {
  /** The organization the issue names, and one a tenth of its size (same items per repository). */
  large: OrgSize;
  small: OrgSize;
  /** Server latency per API request. */
  latencyMs: number;
  /** GraphQL nodes a query may ask for before the server answers 502 (GitHub's 10-second timeout). */
  nodeBudget: number;
  timeoutDelayMs: number;
  webhookDeliveries: number;
  /** Signed deliveries (and raw upserts) in flight at once: a burst, as GitHub sends after a busy minute. */
  webhookConcurrency: number;
  /**
   * Measured bursts, each followed at once by the raw yardsticks: this machine's pace swings within minutes (raw
   * upserts at 1,090–1,700/s in consecutive profiling runs), so the round reported is the median one.
   */
  webhookRounds: number;
  /** Backfill requests of the naive baseline in flight at once. */
  concurrency: number;
  database: DatabasePlan;
  /** The repositories page and API at growing numbers of records stored across the same repositories. */
  web: WebPagesPlan;
  /** The fault drill's scenarios to run (every one, but for the suite's own check of the wiring). */
  faultScenarios: readonly ScenarioName[];
  /**
   * The time-compressed quota run: the large organization's backfill under GitHub's primary limit scaled down to
   * windows of `windowSeconds`, sized so the backfill needs about `windows` of them.
   */
  quotaRun: { windows: number; windowSeconds: number };
  /** Several replicas and installations, and organizations of many small repositories (issue #15). */
  scale: ScalePlan;
}

export interface DatabasePlan {
  /** Pull requests stored at each measurement, smallest first: the collection grows from one to the next. */
  sizes: number[];
  /** Timed calls per operation and size: 200 puts the p95 between the 10th and 11th slowest. */
  samples: number;
  /**
   * Pause after each fill, for PostgreSQL's autovacuum (a round a minute) to vacuum and analyze what the fill added,
   * as it long has for a collection that grew over weeks. Measured right after the bulk load, a collection of 10k
   * answers keyed reads 3–4× slower than a minute later.
   */
  settleSeconds: number;
}

/**
 * 16,000 nodes: a page of 25 pull requests with their nested lists (10,375 nodes) and one of 38 (15,770) pass, the
 * largest page the app asks for, 49 (20,335), times out, as large nested pull request pages do on github.com — so
 * the adaptive page size meets a timeout in every repository and is seen to settle below it. A page of 100 issues
 * with their labels and assignees (11,100) passes, as it does there.
 */
const GITHUB_LIKE = { latencyMs: 50, nodeBudget: 16_000, timeoutDelayMs: 2_000, concurrency: 8, faultScenarios: SCENARIO_NAMES };

export const FULL_PLAN: BenchPlan = {
  ...GITHUB_LIKE,
  large: { repos: 20, pulls: 10_000, issues: 5_000, commits: 20_000, members: 50 },
  small: { repos: 2, pulls: 1_000, issues: 500, commits: 2_000, members: 50 },
  webhookDeliveries: 1_000,
  webhookConcurrency: 32,
  webhookRounds: 3,
  database: { sizes: [10_000, 100_000, 500_000], samples: 200, settleSeconds: 65 },
  web: { sizes: [3_000, 30_000, 300_000], samples: 40 },
  // Issue #12's example window (5,000 per 60 s). What a run spends besides its windows (starting the app, installing,
  // the last window's own work) is about 20 s on this machine: against 20 s windows that alone was a fifth of the
  // prediction (runs took 112–130 % of it), timing the machine's pace rather than the pacing by budget the run checks.
  quotaRun: { windows: 6, windowSeconds: 60 },
  scale: { replicaCounts: [1, 2], installations: 2, manyRepositories: [200, 2_000] },
};

/** Under two minutes on two cores: a tenth of the full plan, same shape. */
export const QUICK_PLAN: BenchPlan = {
  ...GITHUB_LIKE,
  large: { repos: 10, pulls: 1_000, issues: 500, commits: 2_000, members: 20 },
  small: { repos: 1, pulls: 100, issues: 50, commits: 200, members: 20 },
  webhookDeliveries: 200,
  webhookConcurrency: 32,
  webhookRounds: 1,
  database: { sizes: [1_000, 10_000, 50_000], samples: 200, settleSeconds: 65 },
  web: { sizes: [1_000, 10_000, 100_000], samples: 20 },
  quotaRun: { windows: 4, windowSeconds: 8 },
  scale: { replicaCounts: [1, 2], installations: 2, manyRepositories: [20, 200] },
};
