import type { QueryCost } from "./graphql/cost.js";
import type { CountOnlyCharge } from "./options.js";

/** What the app asked for, so benchmarks can report exact request counts and GraphQL costs. */
export interface StatsSnapshot {
  /** Requests by "METHOD /template" (e.g. "GET /repos/{owner}/{repo}/pulls"), including 304s and errors. */
  requests: Record<string, number>;
  totalRequests: number;
  statuses: Record<string, number>;
  notModified: number;
  /** 304s (free on GitHub) by route, as `requests`. */
  notModifiedRequests: Record<string, number>;
  rateLimited: { primary: number; secondary: number };
  faults: { errors: number; resets: number };
  /**
   * `operations`: queries by operation name (e.g. "PullRequests"), so a benchmark can tell what each was for;
   * `cost` the points charged, `costs` the points under each reading of count-only connections, in all and by operation.
   */
  graphql: {
    queries: number;
    cost: number;
    costs: Record<CountOnlyCharge, number>;
    nodes: number;
    timeouts: number;
    errors: number;
    operations: Record<string, number>;
    operationCosts: Record<string, Record<CountOnlyCharge, number>>;
  };
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
      notModifiedRequests: {},
      rateLimited: { primary: 0, secondary: 0 },
      faults: { errors: 0, resets: 0 },
      graphql: { queries: 0, cost: 0, costs: { "per-parent": 0, free: 0 }, nodes: 0, timeouts: 0, errors: 0, operations: {}, operationCosts: {} },
      webhooks: { delivered: 0, failed: 0 },
    };
  }

  request(routeKey: string): void {
    this.snapshot.requests[routeKey] = (this.snapshot.requests[routeKey] ?? 0) + 1;
    this.snapshot.totalRequests += 1;
  }

  /** A query executed (or timed out): counted, and its cost charged, both ways. */
  graphqlQuery(operation: string, cost: QueryCost): void {
    const { graphql } = this.snapshot;
    graphql.queries += 1;
    graphql.operations[operation] = (graphql.operations[operation] ?? 0) + 1;
    graphql.cost += cost.cost;
    graphql.nodes += cost.nodes;
    const byOperation = (graphql.operationCosts[operation] ??= { "per-parent": 0, free: 0 });
    for (const charge of ["per-parent", "free"] as const) {
      graphql.costs[charge] += cost.costs[charge];
      byOperation[charge] += cost.costs[charge];
    }
  }

  notModified(routeKey: string): void {
    this.snapshot.notModifiedRequests[routeKey] = (this.snapshot.notModifiedRequests[routeKey] ?? 0) + 1;
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
