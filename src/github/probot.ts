import Bottleneck from "bottleneck";
import { Probot, ProbotOctokit } from "probot";
import type { Logger } from "pino";
import type { AppCredentials, Config } from "../config.js";

type RequestOptions = { method: string; url: string };
type LoggingOctokit = { log: { warn: (message: string) => void } };

/** Retries of one request after a rate limit; past this the job fails and is retried later as a whole. */
const MAX_RATE_LIMIT_RETRIES = 5;

/**
 * The throttling plugin spaces an installation's GraphQL requests 1 s apart, because a GraphQL request may be a
 * mutation. Tributary only sends queries, which GitHub's secondary limit counts at 2,000 points per minute: two at a
 * time, 100 ms apart, stays well inside that and keeps requests near-serial as GitHub asks.
 */
const GRAPHQL_QUERIES = { maxConcurrent: 2, minTime: 100 } as const;
const graphqlQueries = new Bottleneck.Group(GRAPHQL_QUERIES);
/** Redis TTL of a clustered limiter's state, as the throttling plugin's own groups have it (2 minutes). */
const CLUSTERED_LIMITER_TTL_MS = 120_000;
const clusteredGraphqlQueries = new WeakMap<object, Bottleneck.Group>();

type ThrottleConnection = Bottleneck.IORedisConnection | Bottleneck.RedisConnection;

/**
 * The limiter of GraphQL queries: this process's own, or, when Probot clusters the throttling through Redis
 * (REDIS_URL: the plugin's other limiters then share `connection`), one that every replica shares through it too.
 */
export function graphqlQueriesOn(connection: ThrottleConnection | null | undefined): Bottleneck.Group {
  if (!connection) return graphqlQueries;
  let group = clusteredGraphqlQueries.get(connection);
  if (!group) {
    group = new Bottleneck.Group({ ...GRAPHQL_QUERIES, id: "tributary-graphql", connection, timeout: CLUSTERED_LIMITER_TTL_MS });
    clusteredGraphqlQueries.set(connection, group);
  }
  return group;
}

type OctokitOptions = NonNullable<ConstructorParameters<typeof ProbotOctokit>[0]>;

/**
 * ProbotOctokit with `defaults` merged field by field into `throttle`. Octokit's object-form defaults are shallow,
 * and Probot hands every client it builds throttle options of its own, which would replace ours wholesale (the
 * default 1 s GraphQL spacing and a secondary-limit handler that never retries).
 */
export function probotOctokitWith(defaults: OctokitOptions): typeof ProbotOctokit {
  return ProbotOctokit.defaults((options: OctokitOptions) => ({
    ...options,
    ...defaults,
    throttle: { ...options.throttle, ...defaults.throttle },
  }));
}

/**
 * Probot's Octokit with its bundled throttling and retry plugins configured for long-running backfills:
 * on a primary limit wait for the reset, on a secondary limit wait for `retry-after`, retry 5xx and network
 * errors with backoff, and never retry other 4xx (they will not get better). Probot's own throttle options (its
 * Redis connection with REDIS_URL) are kept, and the GraphQL limiter shares that connection.
 */
export const TributaryOctokit = ProbotOctokit.defaults((options: OctokitOptions) => ({
  ...options,
  throttle: {
    ...options.throttle,
    write: graphqlQueriesOn((options.throttle as { connection?: ThrottleConnection } | undefined)?.connection),
    onRateLimit: (retryAfter: number, options: RequestOptions, octokit: LoggingOctokit, retryCount: number) => {
      octokit.log.warn(`Rate limit reached for ${options.method} ${options.url}; retrying after the reset in ${retryAfter} s`);
      return retryCount < MAX_RATE_LIMIT_RETRIES;
    },
    onSecondaryRateLimit: (retryAfter: number, options: RequestOptions, octokit: LoggingOctokit, retryCount: number) => {
      octokit.log.warn(`Secondary rate limit for ${options.method} ${options.url}; backing off ${retryAfter} s`);
      return retryCount < MAX_RATE_LIMIT_RETRIES;
    },
  },
  retry: { retries: 4, doNotRetry: [400, 401, 403, 404, 410, 422, 451] },
}));

/**
 * With `redisUrl`, Probot clusters its throttling: it connects to Redis (with `ioredis`, a dependency for this) and
 * its Octokits' limiters share their state there, so replicas space their requests together.
 */
export function probotOptions(app: AppCredentials, config: Pick<Config, "githubBaseUrl" | "redisUrl">, log: Logger) {
  return {
    appId: app.appId,
    privateKey: app.privateKey,
    secret: app.webhookSecret,
    baseUrl: config.githubBaseUrl,
    redisConfig: config.redisUrl,
    log,
    Octokit: TributaryOctokit,
  };
}

export function createProbot(...args: Parameters<typeof probotOptions>): Probot {
  return new Probot(probotOptions(...args));
}
