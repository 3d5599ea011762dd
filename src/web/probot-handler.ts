import type { IncomingMessage, ServerResponse } from "node:http";
import type { Express } from "express";

/**
 * Adapts an Express app to Probot's `Server#addHandler`: a handler resolves true once it answered the request, false
 * to let the next handler (ultimately Probot's 404) try. Express calls its final callback when no route matched.
 */
export function probotHandler(app: Express) {
  return (req: IncomingMessage, res: ServerResponse): Promise<boolean> =>
    new Promise((resolve, reject) => {
      res.once("close", () => resolve(true));
      res.once("finish", () => resolve(true));
      app(req as Parameters<Express>[0], res as Parameters<Express>[1], (error?: unknown) => (error ? reject(error) : resolve(false)));
    });
}
