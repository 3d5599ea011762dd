export interface SecondaryLimitOptions {
  /** Concurrent requests per caller above which GitHub answers with a secondary limit (GitHub: 100). */
  maxConcurrent: number;
  /** Points per minute per caller (GET/HEAD/OPTIONS and GraphQL queries: 1; other methods: 5; GitHub: 900 REST). */
  pointsPerMinute: number;
  status: 403 | 429;
  retryAfterSeconds: number;
}

export type Admission = { admitted: true; release: () => void } | { admitted: false; retryAfterSeconds: number };

export const SECONDARY_LIMIT_MESSAGE =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.";

/** GitHub's secondary limits: too many requests at once, or too many points in a minute. */
export class SecondaryLimits {
  private readonly inFlight = new Map<string, number>();
  private readonly minutes = new Map<string, { startedAt: number; points: number }>();

  constructor(private readonly options: SecondaryLimitOptions) {}

  admit(caller: string, points: number, now: number): Admission {
    const running = this.inFlight.get(caller) ?? 0;
    if (running >= this.options.maxConcurrent) return { admitted: false, retryAfterSeconds: this.options.retryAfterSeconds };
    let minute = this.minutes.get(caller);
    if (!minute || now - minute.startedAt >= 60_000) {
      minute = { startedAt: now, points: 0 };
      this.minutes.set(caller, minute);
    }
    if (minute.points + points > this.options.pointsPerMinute) {
      const untilNextMinute = Math.ceil((minute.startedAt + 60_000 - now) / 1000);
      return { admitted: false, retryAfterSeconds: Math.max(this.options.retryAfterSeconds, untilNextMinute) };
    }
    minute.points += points;
    this.inFlight.set(caller, running + 1);
    let released = false;
    return {
      admitted: true,
      release: () => {
        if (released) return;
        released = true;
        this.inFlight.set(caller, (this.inFlight.get(caller) ?? 1) - 1);
      },
    };
  }

  reset(): void {
    this.minutes.clear();
  }
}
