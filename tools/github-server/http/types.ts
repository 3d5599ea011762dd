import type { IncomingHttpHeaders } from "node:http";
import type { AccessToken } from "../auth/tokens.js";
import type { Bucket } from "../limits/rate-limits.js";

/** Who is calling: the App itself (JWT), an installation, or a user who signed in through OAuth. */
export type Identity = { kind: "app" } | AccessToken;

export type AuthRequirement = "none" | "app" | "installation" | "user" | "token";

export interface ApiRequest {
  method: string;
  url: URL;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  params: Record<string, string>;
  body: unknown;
  identity: Identity | null;
  /** The caller's primary rate-limit bucket, when the route is rate limited. */
  rateLimit: Bucket | null;
}

export interface Reply {
  status: number;
  /** JSON body; `text` wins when set (HTML pages, form-encoded OAuth answers). */
  body?: unknown;
  text?: string;
  headers?: Record<string, string>;
  /** Points this answer costs on the primary limit (REST: 1 unless 304; GraphQL: the query's cost). */
  cost?: number;
}

export interface Route {
  method: string;
  /** GitHub's path template, which is also the key requests are counted under. */
  template: string;
  auth: AuthRequirement;
  /** The primary rate-limit resource charged; none for OAuth pages and `GET /rate_limit`. */
  resource?: "core" | "graphql";
  handle(request: ApiRequest): Reply | Promise<Reply>;
}

export function json(body: unknown, status = 200, headers?: Record<string, string>): Reply {
  return { status, body, ...(headers && { headers }) };
}

/** GitHub's error body shape. */
export function apiError(status: number, message: string, documentationUrl = "https://docs.github.com/rest"): Reply {
  return { status, body: { message, documentation_url: documentationUrl, status: String(status) } };
}
