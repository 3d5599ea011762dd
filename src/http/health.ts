import type { RequestHandler } from "./server.js";

/** Where the health check answers (the access log keeps its successful probes out of the info log). */
export const HEALTH_PATHS: ReadonlySet<string> = new Set(["/health", "/healthz"]);

export interface HealthReport {
  state: "up" | "down";
}

/**
 * `GET /health` (and `/healthz`): 200 while the database answers, 503 while it does not, with what was found — for
 * load balancers, Docker's HEALTHCHECK and people.
 */
export function healthRoute(check: () => Promise<HealthReport>): RequestHandler {
  return async (req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method !== "GET" || !HEALTH_PATHS.has(path)) return false;
    const database = await check();
    res.writeHead(database.state === "up" ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify({ status: database.state === "up" ? "ok" : "unavailable", database }));
    return true;
  };
}
