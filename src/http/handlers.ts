import type { Logger } from "pino";
import type { AppCredentials, Config } from "../config.js";
import { databaseHealth } from "../db/health.js";
import { WEBHOOK_PATH, webhookIntake } from "../inbox/intake.js";
import type { InboxHandoff } from "../inbox/processor.js";
import { webHandler } from "../web/index.js";
import { healthRoute } from "./health.js";
import type { RequestHandler } from "./server.js";

/** Everything the app answers over HTTP, in the order it is tried: webhooks, the health check, the web UI and API. */
export function appHandlers(config: Config & { app: AppCredentials }, log: Logger, inbox: InboxHandoff): RequestHandler[] {
  const web = webHandler(config, log);
  return [
    webhookIntake({ path: WEBHOOK_PATH, secret: config.app.webhookSecret, log, inbox }),
    healthRoute(databaseHealth),
    ...(web ? [web] : []),
  ];
}
