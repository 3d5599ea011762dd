/** What the app asked for, so benchmarks can report exact request counts and GraphQL costs. */
export interface StatsSnapshot {
  /** Requests by "METHOD /template" (e.g. "GET /repos/{owner}/{repo}/pulls"), including 304s and errors. */
  requests: Record<string, number>;
  totalRequests: number;
  statuses: Record<string, number>;
  notModified: number;
  rateLimited: { primary: number; secondary: number };
  faults: { errors: number; resets: number };
  /** `operations`: queries by operation name (e.g. "PullRequests"), so a benchmark can tell what each was for. */
  graphql: { queries: number; cost: number; nodes: number; timeouts: number; errors: number; operations: Record<string, number> };
  webhooks: { delivered: number; failed: number };
}

export class Stats {
  private snapshot: StatsSnapshot = Stats.empty();

  private static empty(): StatsSnapshot {
    return {
      requests: {},
      totalRequests: 0,
      statuses: {},
      notModified: 0,
      rateLimited: { primary: 0, secondary: 0 },
      faults: { errors: 0, resets: 0 },
      graphql: { queries: 0, cost: 0, nodes: 0, timeouts: 0, errors: 0, operations: {} },
      webhooks: { delivered: 0, failed: 0 },
    };
  }

  request(routeKey: string): void {
    this.snapshot.requests[routeKey] = (this.snapshot.requests[routeKey] ?? 0) + 1;
    this.snapshot.totalRequests += 1;
  }

  status(code: number): void {
    this.snapshot.statuses[code] = (this.snapshot.statuses[code] ?? 0) + 1;
    if (code === 304) this.snapshot.notModified += 1;
  }

  get current(): StatsSnapshot {
    return this.snapshot;
  }

  read(): StatsSnapshot {
    return structuredClone(this.snapshot);
  }

  reset(): void {
    this.snapshot = Stats.empty();
  }
}
