import { existsSync } from "node:fs";
import { inspect } from "node:util";
import { run } from "probot";
import { tributary } from "./app.js";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { connectDatabase } from "./db/connection.js";
import { EmbeddedDatabaseNotInstalledError } from "./db/embedded-database.js";
import { backfillJobHandlers } from "./backfill/jobs.js";
import { createProbot } from "./github/probot.js";
import { sharedRateBudget } from "./github/shared-rate-budget.js";
import { schedulePeriodicSync } from "./jobs/periodic-sync.js";
import { Worker } from "./jobs/worker.js";
import { createLogger, scrub } from "./logger.js";
import { reconcile } from "./reconcile/reconcile.js";
import { appHandlers } from "./http/handlers.js";
import { startHttpServer } from "./http/server.js";
import { InboxProcessor } from "./inbox/processor.js";
import { scheduleRedelivery } from "./inbox/redelivery.js";
import { eventDispatcher } from "./webhooks/event-dispatcher.js";

const USAGE = "usage: tributary [serve|reconcile]";

async function serve(config: Config) {
  const log = await createLogger(config);
  if (!config.app) {
    log.info(`No app credentials yet: open http://localhost:${config.port} to register the GitHub App from app.yml`);
    // Our logger, so the manifest `code` on the setup page's callback URL is redacted like everything else.
    await run(() => {}, { log });
    return;
  }
  const db = await connectDatabase(config, log);
  const probot = createProbot(config.app, config, log);
  const handlers = eventDispatcher(log);
  tributary(handlers);
  const inbox = new InboxProcessor({ handlers, log: log.child({ name: "inbox" }), concurrency: config.inboxConcurrency });
  inbox.start();
  const server = await startHttpServer({ host: config.host, port: config.port, log, handlers: appHandlers({ ...config, app: config.app }, log, inbox) });
  const rateBudget = sharedRateBudget(config, log.child({ name: "rate-budget" }));
  log.info(`the installations' rate budget is shared through the ${rateBudget.where}`);
  const worker = new Worker({
    handlers: backfillJobHandlers({ probot, budget: rateBudget.budget, log }),
    log: log.child({ name: "worker" }),
    concurrency: config.workerConcurrency,
  });
  worker.start();
  const stopSchedule = schedulePeriodicSync(probot, config.syncIntervalMinutes * 60_000, config.reconcileOnStartup);
  const stopRedelivery = scheduleRedelivery(probot, config.redeliveryIntervalMs);

  const stop = async (signal: string) => {
    log.info({ signal }, "stopping");
    // First: a periodic pass this replica holds is handed back at once, for another replica to run.
    await Promise.all([stopSchedule(), stopRedelivery()]);
    await server.close();
    await Promise.all([inbox.stop(), worker.stop()]);
    await rateBudget.close();
    await db.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
  // A rejection nobody handled is a bug, but not one worth losing the process (and every delivery in flight) over.
  process.on("unhandledRejection", (reason) => log.error({ err: reason }, "unhandled rejection (a bug: please report it)"));
}

async function reconcileOnce(config: Config) {
  const log = await createLogger(config);
  if (!config.app) throw new ConfigError(["APP_ID, PRIVATE_KEY and WEBHOOK_SECRET are needed to read installations"]);
  const db = await connectDatabase(config, log);
  try {
    await reconcile(createProbot(config.app, config, log));
  } finally {
    await db.close();
  }
}

async function main(argv: string[]) {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const config = loadConfig();
  const command = argv[0] ?? "serve";
  if (command === "serve") return serve(config);
  if (command === "reconcile") return reconcileOnce(config);
  throw new ConfigError([`unknown command "${command}" (${USAGE})`]);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // Expected failures get their message only; anything else keeps its stack for a bug report.
  const known = error instanceof ConfigError || error instanceof EmbeddedDatabaseNotInstalledError;
  console.error(scrub(known ? (error as Error).message : inspect(error)));
  process.exit(1);
});
