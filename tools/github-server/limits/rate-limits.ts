export type Resource = "core" | "graphql";

export interface PrimaryLimitOptions {
  /** Requests per window for REST ("core") and points per window for GraphQL; GitHub's default is 5,000/hour each. */
  core: number;
  graphql: number;
  windowMs: number;
}

export class Bucket {
  used = 0;

  constructor(
    readonly resource: Resource,
    readonly limit: number,
    public resetAt: number,
  ) {}

  get remaining(): number {
    return Math.max(0, this.limit - this.used);
  }

  charge(points: number): void {
    this.used += points;
  }

  headers(): Record<string, string> {
    return {
      "x-ratelimit-limit": String(this.limit),
      "x-ratelimit-remaining": String(this.remaining),
      "x-ratelimit-used": String(this.used),
      "x-ratelimit-reset": String(Math.ceil(this.resetAt / 1000)),
      "x-ratelimit-resource": this.resource,
    };
  }
}

/** Primary rate limits: one bucket per caller (installation, user, app) and resource, refilled per window. */
export class PrimaryLimits {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly options: PrimaryLimitOptions) {}

  bucket(caller: string, resource: Resource, now: number): Bucket {
    const key = `${caller}:${resource}`;
    const existing = this.buckets.get(key);
    if (existing && existing.resetAt > now) return existing;
    const fresh = new Bucket(resource, this.options[resource], now + this.options.windowMs);
    this.buckets.set(key, fresh);
    return fresh;
  }

  reset(): void {
    this.buckets.clear();
  }
}

/** The message GitHub sends with a 403 when the primary limit is spent. */
export function primaryLimitMessage(caller: string): string {
  const [kind, id] = caller.split(":");
  return kind === "installation" ? `API rate limit exceeded for installation ID ${id}.` : `API rate limit exceeded for user ID ${id}.`;
}
