import type { KeyObject } from "node:crypto";
import { publicKeyFrom } from "./auth/jwt.js";
import type { AppRegistration } from "./installation.js";
import type { FaultOptions } from "./limits/faults.js";
import type { PrimaryLimitOptions } from "./limits/rate-limits.js";
import type { SecondaryLimitOptions } from "./limits/secondary-limits.js";
import { DEFAULT_ORG, type OrgOptions } from "./org/generate.js";

export interface GraphqlLimitOptions {
  /** GitHub's hard limit on the nodes a query may ask for; above it the query is refused. */
  maxNodes: number;
  /**
   * GitHub's 10-second execution limit, modelled from the nodes a query asks for: above this budget the query
   * answers 502 after `timeoutDelayMs` and still costs its points. Infinity = off.
   */
  nodeBudget: number;
  timeoutDelayMs: number;
  /**
   * How a connection that selects only `totalCount` is charged — GitHub does not document it: `per-parent` (one
   * request per parent that could hold it, like any connection: the stricter reading, and the default) or `free`.
   * Every query is costed both ways in the stats; this says which one is charged.
   */
  countOnlyConnections: CountOnlyCharge;
}

export type CountOnlyCharge = "per-parent" | "free";

export interface GitHubServerOptions {
  host?: string;
  /** 0 (default) = a free port. */
  port?: number;
  org?: Partial<OrgOptions>;
  app?: Partial<AppRegistration> & {
    /**
     * The app's key (PEM, private or public). With it, App JWTs are verified (RS256); without it, any well-formed
     * RS256 JWT whose `iss` is the app id or client id is accepted.
     */
    key?: string;
  };
  installation?: {
    id?: number;
    /** Start with the app already installed (default) or not (then use `simulateInstall`). */
    preinstalled?: boolean;
    /** Repository names for a "selected" installation; absent = all repositories. */
    repositories?: string[];
  };
  /** Login the OAuth authorize page signs in without asking; absent = a page to choose a generated user. */
  signedInUser?: string;
  rateLimit?: Partial<PrimaryLimitOptions>;
  secondaryLimit?: Partial<SecondaryLimitOptions>;
  graphql?: Partial<GraphqlLimitOptions>;
  faults?: Partial<FaultOptions>;
  installationTokenTtlMs?: number;
  /** How long a webhook receiver may take to answer before the delivery fails as "timed out" (GitHub: 10 s). */
  webhookTimeoutMs?: number;
}

export interface ResolvedOptions {
  host: string;
  port: number;
  org: OrgOptions;
  app: AppRegistration;
  appKey: KeyObject | undefined;
  installation: { id: number; preinstalled: boolean; repositories: string[] | undefined };
  signedInUser: string | undefined;
  rateLimit: PrimaryLimitOptions;
  secondaryLimit: SecondaryLimitOptions;
  graphql: GraphqlLimitOptions;
  faults: FaultOptions;
  installationTokenTtlMs: number;
  webhookTimeoutMs: number;
}

/** Tributary's own registration (app.yml): read-only permissions and the events ingestion listens to. */
export const DEFAULT_APP: AppRegistration = {
  id: 1,
  slug: "tributary",
  name: "Tributary",
  clientId: "Iv1.0000000000local",
  clientSecret: "local-client-secret",
  webhookSecret: "development",
  permissions: { metadata: "read", contents: "read", pull_requests: "read", issues: "read", members: "read" },
  events: [
    "create", "delete", "issue_comment", "issues", "member", "membership", "organization", "pull_request",
    "pull_request_review", "pull_request_review_comment", "pull_request_review_thread", "push", "repository",
  ],
};

export function resolveOptions(options: GitHubServerOptions = {}): ResolvedOptions {
  const { key, ...app } = options.app ?? {};
  return {
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    org: { ...DEFAULT_ORG, ...options.org },
    app: { ...DEFAULT_APP, ...app },
    appKey: key ? publicKeyFrom(key) : undefined,
    installation: {
      id: options.installation?.id ?? 1,
      preinstalled: options.installation?.preinstalled ?? true,
      repositories: options.installation?.repositories,
    },
    signedInUser: options.signedInUser,
    // Generous by default: tests and demos opt into pressure.
    rateLimit: { core: 5000, graphql: 5000, windowMs: 3_600_000, ...options.rateLimit },
    secondaryLimit: { maxConcurrent: Infinity, pointsPerMinute: Infinity, status: 403, retryAfterSeconds: 60, ...options.secondaryLimit },
    graphql: { maxNodes: 500_000, nodeBudget: Infinity, timeoutDelayMs: 200, countOnlyConnections: "per-parent", ...options.graphql },
    faults: { latencyMs: 0, jitterMs: 0, errorRate: 0, resetRate: 0, seed: 1, ...options.faults },
    installationTokenTtlMs: options.installationTokenTtlMs ?? 3_600_000,
    webhookTimeoutMs: options.webhookTimeoutMs ?? 10_000,
  };
}
