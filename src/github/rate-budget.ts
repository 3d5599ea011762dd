import { setTimeout as sleep } from "node:timers/promises";
import { RetryLater } from "../jobs/worker.js";

interface Window {
  limit: number;
  remaining: number;
  resetAt: Date;
}

type Headers = Record<string, string | number | undefined>;

/** Fraction of the hourly limit kept in reserve, so webhooks' follow-up reads and people's "Test connection" still work. */
export const RESERVE = 0.05;
/** Waiting longer than this holds a worker slot for nothing: the job is postponed to the reset instead. */
const MAX_WAIT_MS = 60_000;

/** GitHub keeps separate windows per resource; Tributary spends `core` (REST) and `graphql`. */
export type RateResource = "core" | "graphql";

/** How people know GitHub's two budgets (the job's postponement reason is shown on the Repositories page). */
const RESOURCE_NAMES: Record<RateResource, string> = { core: "REST", graphql: "GraphQL" };

export function rateResourceOf(url: string): RateResource {
  return new URL(url, "http://github.test").pathname.endsWith("/graphql") ? "graphql" : "core";
}

/** The cost GitHub reports in a GraphQL answer that asked for `rateLimit { cost }`, as every Tributary query does. */
export function reportedCost(body: unknown): number | undefined {
  const cost = (body as { data?: { rateLimit?: { cost?: unknown } } } | undefined)?.data?.rateLimit?.cost;
  return typeof cost === "number" ? cost : undefined;
}

/**
 * Whether a GraphQL answer is GitHub's refusal for the primary limit: 200, with a `RATE_LIMITED` error. Octokit's
 * throttling plugin recognises it only at `/graphql`, not at GitHub Enterprise Server's `/api/graphql`.
 */
export function isGraphqlRateLimited(body: unknown): boolean {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  return Array.isArray(errors) && errors.some((error) => (error as { type?: unknown } | null)?.type === "RATE_LIMITED");
}

/** A GraphQL query's operation name (`query PullRequests(...)`), which names what it costs. */
const operationOf = (query: unknown): string | undefined => (typeof query === "string" ? /\bquery\s+(\w+)/.exec(query)?.[1] : undefined);

/**
 * Each installation's primary rate-limit windows as GitHub last reported them (x-ratelimit-* headers, so the limit
 * GitHub actually grants, larger for large organizations), one per resource. A request goes only if the window
 * still holds what it will cost above the reserve — a GraphQL query is expected to cost what its operation cost
 * last time (a page costs about what the previous page did) — and otherwise waits for the window's reset: paced by
 * the budget, not by GitHub's refusals.
 */
export class RateBudget {
  readonly #windows = new Map<string, Window>();
  readonly #lastCosts = new Map<string, number>();

  /** Records an answer: its window, and for a GraphQL query (`query` as sent) the cost GitHub reported in `body`. */
  record(installationId: number, headers: Headers, query?: unknown, body?: unknown): void {
    const operation = operationOf(query);
    const cost = reportedCost(body);
    if (operation && cost !== undefined) this.#lastCosts.set(operation, cost);
    const limit = Number(headers["x-ratelimit-limit"]);
    const remaining = Number(headers["x-ratelimit-remaining"]);
    const reset = Number(headers["x-ratelimit-reset"]);
    if ([limit, remaining, reset].some(Number.isNaN)) return;
    const key = windowKey(installationId, String(headers["x-ratelimit-resource"] ?? "core"));
    // Answers of concurrent requests arrive in any order: within one window, the lowest remaining is the latest.
    const known = this.#windows.get(key);
    if (known && known.resetAt.getTime() > Date.now() && known.remaining < remaining && known.limit === limit) return;
    this.#windows.set(key, { limit, remaining, resetAt: new Date(reset * 1000) });
  }

  /** GitHub refused a request for the primary limit: the window is spent, and the work waits for its reset. */
  refused(installationId: number, resource: RateResource): RetryLater {
    const window = this.#windows.get(windowKey(installationId, resource));
    if (window) window.remaining = 0;
    return new RetryLater(`GitHub's ${RESOURCE_NAMES[resource]} rate limit is spent`, window?.resetAt ?? new Date(Date.now() + MAX_WAIT_MS));
  }

  /**
   * What a request is expected to cost: a GraphQL query what its operation last cost, or as much as the dearest
   * operation seen when it has not been sent yet; REST 1.
   */
  expectedCost(resource: RateResource, query?: unknown): number {
    if (resource !== "graphql") return 1;
    const operation = operationOf(query);
    return (operation === undefined ? undefined : this.#lastCosts.get(operation)) ?? Math.max(1, ...this.#lastCosts.values());
  }

  /** Resolves when the installation may spend this request; waits or postpones the job when its budget is low. */
  async beforeRequest(installationId: number, resource: RateResource, query?: unknown): Promise<void> {
    const key = windowKey(installationId, resource);
    const window = this.#windows.get(key);
    const cost = this.expectedCost(resource, query);
    if (!window) return;
    if (window.remaining - cost >= window.limit * RESERVE) {
      // Spent now rather than when the answer comes: requests sent meanwhile see it (the answer corrects it).
      window.remaining -= cost;
      return;
    }
    const waitMs = window.resetAt.getTime() - Date.now();
    if (waitMs <= 0) {
      this.#windows.delete(key);
      return;
    }
    if (waitMs > MAX_WAIT_MS) throw new RetryLater(`GitHub's ${RESOURCE_NAMES[resource]} rate limit is nearly used up (${window.remaining} left)`, window.resetAt);
    await sleep(waitMs);
    this.#windows.delete(key);
  }
}

const windowKey = (installationId: number, resource: string) => `${installationId}:${resource}`;
