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

/**
 * Each installation's primary rate-limit window as GitHub last reported it (x-ratelimit-* headers). Jobs slow down
 * before the budget runs out instead of running into 403s.
 */
export class RateBudget {
  readonly #windows = new Map<number, Window>();

  record(installationId: number, headers: Headers): void {
    const limit = Number(headers["x-ratelimit-limit"]);
    const remaining = Number(headers["x-ratelimit-remaining"]);
    const reset = Number(headers["x-ratelimit-reset"]);
    if ([limit, remaining, reset].some(Number.isNaN)) return;
    // GraphQL and REST have separate windows; the tighter one decides.
    const known = this.#windows.get(installationId);
    if (known && known.resetAt.getTime() > Date.now() && known.remaining < remaining && known.limit === limit) return;
    this.#windows.set(installationId, { limit, remaining, resetAt: new Date(reset * 1000) });
  }

  window(installationId: number): Window | undefined {
    return this.#windows.get(installationId);
  }

  /** Resolves when the installation may spend another request; waits or postpones the job when its budget is low. */
  async beforeRequest(installationId: number): Promise<void> {
    const window = this.#windows.get(installationId);
    if (!window || window.remaining > window.limit * RESERVE) return;
    const waitMs = window.resetAt.getTime() - Date.now();
    if (waitMs <= 0) {
      this.#windows.delete(installationId);
      return;
    }
    if (waitMs > MAX_WAIT_MS) throw new RetryLater(`rate limit nearly used up (${window.remaining} left)`, window.resetAt);
    await sleep(waitMs);
    this.#windows.delete(installationId);
  }
}
