import { isQueryTimeout } from "./github-access.js";

/** GitHub gives up on a query after 10 s; waiting a little longer than that tells a slow answer from none. */
export const QUERY_TIMEOUT_MS = 15_000;

/**
 * The largest page of pull requests asked for. GitHub charges a page 1 request plus one per pull request and nested
 * list (9 lists: src/backfill/queries.ts), ÷ 100 and rounded: 49 pull requests cost 442 requests, 4 points, where 50
 * would cost 451, 5 points — 25 % more for one more pull request. Every size the page grows through (25, 38, 49)
 * costs what it cost before the ready-for-review event was read (2, 3 and 4 points).
 */
export const MAX_PULL_REQUEST_PAGE = 49;

/**
 * Page size for the nested pull request query. GitHub aborts queries that run past 10 s (502/504) and still
 * charges for them, and how long a page takes depends on the repository, so the size adapts: it starts where
 * github.com stays under the limit, halves after a timeout, and grows back after a run of successes — but never
 * again to a size that timed out, which would only time out (and be charged) once more.
 */
export class AdaptivePageSize {
  #size: number;
  #successes = 0;
  /** The largest size that may be asked for: below the smallest that timed out. */
  #ceiling: number;
  /** The largest size that answered in time. */
  #largestAnswered = 0;

  constructor(
    readonly initial = 25,
    readonly min = 1,
    readonly max = MAX_PULL_REQUEST_PAGE,
    readonly growAfter = 3,
  ) {
    this.#size = initial;
    this.#ceiling = max;
  }

  get size(): number {
    return this.#size;
  }

  /** Whether a smaller page is still possible after a timeout. */
  get canShrink(): boolean {
    return this.#size > this.min;
  }

  succeeded(): void {
    this.#largestAnswered = Math.max(this.#largestAnswered, this.#size);
    this.#successes += 1;
    if (this.#successes >= this.growAfter && this.#size < this.#ceiling) {
      this.#size = Math.min(this.#ceiling, Math.ceil(this.#size * 1.5));
      this.#successes = 0;
    }
  }

  timedOut(): void {
    // Back to the largest size known to answer, if smaller: one timeout finds the limit, not one per size below it.
    const below = this.#largestAnswered > 0 && this.#largestAnswered < this.#size ? this.#largestAnswered : this.#size - 1;
    this.#ceiling = Math.max(this.min, Math.min(this.#ceiling, below));
    this.#size = Math.max(this.min, Math.floor(this.#size / 2));
    this.#successes = 0;
  }
}

/**
 * Runs one page request at the current size, without Octokit's own retries (a retry at the same size would time out
 * again and be charged again): a 502/504 or client timeout halves the size and asks again for the same cursor.
 */
export async function fetchAdaptively<T>(
  pageSize: AdaptivePageSize,
  timeoutMs: number,
  fetch: (first: number, request: { retries: number; signal: AbortSignal }) => Promise<T>,
): Promise<T> {
  for (;;) {
    try {
      const result = await fetch(pageSize.size, { retries: 0, signal: AbortSignal.timeout(timeoutMs) });
      pageSize.succeeded();
      return result;
    } catch (error) {
      if (!isQueryTimeout(error) || !pageSize.canShrink) throw error;
      pageSize.timedOut();
    }
  }
}
