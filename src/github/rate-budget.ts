import { setTimeout as sleep } from "node:timers/promises";
import { RetryLater } from "../jobs/worker.js";
import { MemoryRateBudgetStore, type BudgetWindow, type RateBudgetStore } from "./rate-budget-store.js";

type Headers = Record<string, string | number | undefined>;

export { RESERVE } from "./rate-budget-store.js";
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
 *
 * The windows and costs live in a store: this process's memory by default, or Redis or the database, which every
 * replica shares — a spend is one atomic step of the store, so replicas spending from one window together never dip
 * into the reserve, and what one records the others see.
 */
export class RateBudget {
  readonly #store: RateBudgetStore;
  readonly #now: () => Date;
  readonly #onError: (error: unknown) => void;
  /** The windows this process last saw, for refused() to tell when the work may go on without asking the store. */
  readonly #seen = new Map<string, BudgetWindow>();
  /** Writes of record() and refused() not finished yet: the next beforeRequest() waits for them. */
  readonly #writes = new Set<Promise<void>>();
  /**
   * Each operation's cost as this process last learned it (from its own answers, or read once from the store): a
   * page costs about what the previous one did, so the store is read only for an operation new here, and written
   * only when a cost changes — not two reads and a write around every query.
   */
  readonly #costs = new Map<string, number>();

  constructor(options: { store?: RateBudgetStore; now?: () => Date; onError?: (error: unknown) => void } = {}) {
    this.#store = options.store ?? new MemoryRateBudgetStore();
    this.#now = options.now ?? (() => new Date());
    this.#onError = options.onError ?? (() => {});
  }

  /**
   * Records an answer: its window, and for a GraphQL query (`query` as sent) the cost GitHub reported in `body`.
   * Callers need not wait: the next beforeRequest() does. A store that fails loses the record, not the request.
   */
  record(installationId: number, headers: Headers, query?: unknown, body?: unknown): Promise<void> {
    const operation = operationOf(query);
    const cost = reportedCost(body);
    const writes: Promise<void>[] = [];
    if (operation && cost !== undefined && this.#costs.get(operation) !== cost) {
      this.#costs.set(operation, cost);
      writes.push(this.#store.recordCost(operation, cost));
    }
    const limit = Number(headers["x-ratelimit-limit"]);
    const remaining = Number(headers["x-ratelimit-remaining"]);
    const reset = Number(headers["x-ratelimit-reset"]);
    if (![limit, remaining, reset].some(Number.isNaN)) {
      const key = windowKey(installationId, String(headers["x-ratelimit-resource"] ?? "core"));
      const window = { limit, remaining, resetAt: new Date(reset * 1000) };
      this.#seen.set(key, window);
      writes.push(this.#store.record(key, window, this.#now()));
    }
    return this.#track(Promise.all(writes).then(() => {}));
  }

  /** GitHub refused a request for the primary limit: the window is spent, and the work waits for its reset. */
  refused(installationId: number, resource: RateResource): RetryLater {
    const key = windowKey(installationId, resource);
    const window = this.#seen.get(key);
    if (window) window.remaining = 0;
    void this.#track(this.#store.exhaust(key).then(() => {}));
    return new RetryLater(`GitHub's ${RESOURCE_NAMES[resource]} rate limit is spent`, window?.resetAt ?? new Date(this.#now().getTime() + MAX_WAIT_MS));
  }

  /**
   * What a request is expected to cost: a GraphQL query what its operation last cost, or as much as the dearest
   * operation seen when it has not been sent yet; REST 1.
   */
  async expectedCost(resource: RateResource, query?: unknown): Promise<number> {
    if (resource !== "graphql") return 1;
    const operation = operationOf(query);
    const known = operation === undefined ? undefined : this.#costs.get(operation);
    if (known !== undefined) return known;
    const { last, dearest } = await this.#store.costs(operation);
    if (operation !== undefined && last !== undefined) this.#costs.set(operation, last);
    return last ?? Math.max(1, dearest ?? 1, ...this.#costs.values());
  }

  /** Resolves when the installation may spend this request; waits or postpones the job when its budget is low. */
  async beforeRequest(installationId: number, resource: RateResource, query?: unknown): Promise<void> {
    await this.settled();
    const key = windowKey(installationId, resource);
    const cost = await this.expectedCost(resource, query);
    // Spent now rather than when the answer comes: requests sent meanwhile, here or on another replica, see it (the
    // answer corrects it).
    const spend = await this.#store.spend(key, cost, this.#now());
    if (spend.outcome === "unknown" || spend.outcome === "spent") return;
    const { window } = spend;
    this.#seen.set(key, window);
    const waitMs = window.resetAt.getTime() - this.#now().getTime();
    if (spend.outcome === "low" && waitMs > MAX_WAIT_MS) {
      throw new RetryLater(`GitHub's ${RESOURCE_NAMES[resource]} rate limit is nearly used up (${window.remaining} left)`, window.resetAt);
    }
    if (spend.outcome === "low" && waitMs > 0) await sleep(waitMs);
    // Its reset has come: GitHub's next answer tells the new window.
    await this.#store.forget(key, window.resetAt);
  }

  /** Resolves once this process's records and refusals are in the store (other replicas see them). */
  async settled(): Promise<void> {
    await Promise.all(this.#writes);
  }

  #track(write: Promise<void>): Promise<void> {
    const tracked = write.catch(this.#onError);
    this.#writes.add(tracked);
    void tracked.finally(() => this.#writes.delete(tracked));
    return tracked;
  }
}

const windowKey = (installationId: number, resource: string) => `${installationId}:${resource}`;
