import { setTimeout as sleep } from "node:timers/promises";
import { RetryLater } from "../jobs/worker.js";

interface Window {
  limit: number;
  remaining: number;
  resetAt: Date;
}

type Headers = Record<string, string | number | undefined>;

/** Fraction of the hourly limit kept in reserve, so webhooks' follow-up reads and people's "Test connection" still work. */
const RESERVE = 0.05;
/** Waiting longer than this holds a worker slot for nothing: the job is postponed to the reset instead. */
const MAX_WAIT_MS = 60_000;

/** GitHub keeps separate windows per resource; Tributary spends `core` (REST) and `graphql`. */
export type RateResource = "core" | "graphql";

export function rateResourceOf(url: string): RateResource {
  return new URL(url, "http://github.test").pathname.endsWith("/graphql") ? "graphql" : "core";
}

/**
 * Each installation's primary rate-limit windows as GitHub last reported them (x-ratelimit-* headers), one per
 * resource. Jobs slow down before a budget runs out instead of running into 403s.
 */
export class RateBudget {
  readonly #windows = new Map<string, Window>();

  record(installationId: number, headers: Headers): void {
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

  /** Resolves when the installation may spend another request; waits or postpones the job when its budget is low. */
  async beforeRequest(installationId: number, resource: RateResource): Promise<void> {
    const key = windowKey(installationId, resource);
    const window = this.#windows.get(key);
    if (!window || window.remaining > window.limit * RESERVE) return;
    const waitMs = window.resetAt.getTime() - Date.now();
    if (waitMs <= 0) {
      this.#windows.delete(key);
      return;
    }
    if (waitMs > MAX_WAIT_MS) throw new RetryLater(`${resource} rate limit nearly used up (${window.remaining} left)`, window.resetAt);
    await sleep(waitMs);
    this.#windows.delete(key);
  }
}

const windowKey = (installationId: number, resource: string) => `${installationId}:${resource}`;
