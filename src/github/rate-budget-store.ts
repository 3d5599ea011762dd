/** Fraction of the hourly limit kept in reserve, so webhooks' follow-up reads and people's "Test connection" still work. */
export const RESERVE = 0.05;

/** An installation's primary rate-limit window for one resource, as GitHub last reported it and spent since. */
export interface BudgetWindow {
  limit: number;
  remaining: number;
  resetAt: Date;
}

/**
 * What a spend found: no window known (GitHub has not answered yet: the request goes), the cost taken from the
 * window, a window whose reset has come (forget it and go), or too little left above the reserve.
 */
export type SpendResult =
  | { outcome: "unknown" }
  | { outcome: "spent" | "reset" | "low"; window: BudgetWindow };

/**
 * Where the rate budget keeps its windows (one per installation and resource, `key` `installationId:resource`) and
 * the last cost of each GraphQL operation. Every operation is atomic on its own, so several replicas sharing one
 * store never spend the same points twice.
 */
export interface RateBudgetStore {
  /**
   * Keeps `window` as the key's window, unless the stored one is the same window (its reset not yet come at `now`,
   * the same limit) with less remaining: answers of concurrent requests arrive in any order.
   */
  record(key: string, window: BudgetWindow, now: Date): Promise<void>;
  /** Takes `cost` from the key's window if the reserve (RESERVE × its limit) stays, and its reset has not come at `now`. */
  spend(key: string, cost: number, now: Date): Promise<SpendResult>;
  /** GitHub refused a request for the primary limit: nothing is left in the key's window (undefined when none is known). */
  exhaust(key: string): Promise<BudgetWindow | undefined>;
  /** Forgets the key's window that resets at `resetAt` (a window recorded since, with another reset, stays). */
  forget(key: string, resetAt: Date): Promise<void>;
  recordCost(operation: string, cost: number): Promise<void>;
  /** The operation's last cost, and the dearest cost of any operation (undefined when none was seen). */
  costs(operation: string | undefined): Promise<{ last?: number; dearest?: number }>;
}

/** The store of one process: its replicas see nothing of each other's spending (tests, a single `npm start` without a database). */
export class MemoryRateBudgetStore implements RateBudgetStore {
  readonly #windows = new Map<string, BudgetWindow>();
  readonly #costs = new Map<string, number>();

  async record(key: string, window: BudgetWindow, now: Date): Promise<void> {
    const known = this.#windows.get(key);
    if (known && known.resetAt > now && known.remaining < window.remaining && known.limit === window.limit) return;
    this.#windows.set(key, { ...window });
  }

  async spend(key: string, cost: number, now: Date): Promise<SpendResult> {
    const window = this.#windows.get(key);
    if (!window) return { outcome: "unknown" };
    if (window.resetAt <= now) return { outcome: "reset", window: { ...window } };
    if (window.remaining - cost < window.limit * RESERVE) return { outcome: "low", window: { ...window } };
    window.remaining -= cost;
    return { outcome: "spent", window: { ...window } };
  }

  async exhaust(key: string): Promise<BudgetWindow | undefined> {
    const window = this.#windows.get(key);
    if (window) window.remaining = 0;
    return window && { ...window };
  }

  async forget(key: string, resetAt: Date): Promise<void> {
    if (this.#windows.get(key)?.resetAt.getTime() === resetAt.getTime()) this.#windows.delete(key);
  }

  async recordCost(operation: string, cost: number): Promise<void> {
    this.#costs.set(operation, cost);
  }

  async costs(operation: string | undefined): Promise<{ last?: number; dearest?: number }> {
    const last = operation === undefined ? undefined : this.#costs.get(operation);
    return { last, dearest: this.#costs.size > 0 ? Math.max(...this.#costs.values()) : undefined };
  }
}
