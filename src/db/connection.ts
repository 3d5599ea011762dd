import { readdirSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import mongoose from "mongoose";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import "../storage/models/index.js";
import { isTransientConflict } from "../storage/mongo-errors.js";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "./embedded-database.js";
import { watchDatabase } from "./health.js";
import { redact } from "./redact.js";

export const DEFAULT_DATABASE = "tributary";

// Mongoose records a stack trace for every query, only to explain "Query was already executed"; with source maps
// (tsx, --enable-source-maps) that trace was the single largest CPU cost per query in a webhook burst.
mongoose.set("skipOriginalStackTraces", true);

/**
 * While the database is unreachable, operations fail within seconds (and callers retry later) instead of waiting:
 * the driver reconnects by itself, and the first operation after the database is back succeeds.
 */
export const CONNECT_OPTIONS: mongoose.ConnectOptions = {
  // Mongoose would otherwise queue operations in memory while it thinks the connection is down: the driver's own
  // server selection bounds them instead, and retries the connection as soon as one is waiting.
  bufferCommands: false,
  // How long an operation waits for an answering server, and a new connection for its handshake.
  serverSelectionTimeoutMS: 5_000,
  connectTimeoutMS: 5_000,
  // A server that accepts requests but never answers (a stopped process) fails them after this; long enough for any
  // single operation the app makes, index builds at startup included.
  socketTimeoutMS: 60_000,
  // Mongoose would otherwise build every model's indexes in the background at the same time as syncIndexes below,
  // and on DocumentDB the two deadlock on PostgreSQL's catalog.
  autoIndex: false,
};

export interface Database {
  /** Where the data lives, without credentials, for log lines. */
  description: string;
  close(): Promise<void>;
}

/**
 * Whether an index build lost a conflict with concurrent work: a transient conflict by its code, or a PostgreSQL
 * deadlock that FerretDB reports from createIndexes as an InternalError (code 1) naming it.
 */
function isIndexBuildConflict({ code, message }: { code?: number; message?: string }): boolean {
  return isTransientConflict(code) || (code === 1 && /\bdeadlock detected\b/.test(message ?? ""));
}

/** Whether every index that failed to build lost a conflict with concurrent work, so building again can succeed. */
function onlyConflicts(error: unknown): boolean {
  const failed = error instanceof mongoose.MongooseError && error.name === "SyncIndexesError" ? Object.values((error as { errors?: object }).errors ?? {}) : [error];
  return failed.length > 0 && failed.every((cause) => isIndexBuildConflict(cause as { code?: number; message?: string }));
}

/**
 * Builds the models' indexes. On DocumentDB, indexes built while another process creates collections or indexes
 * (another replica starting, test files starting side by side) can fail with a PostgreSQL deadlock: build again.
 */
async function syncIndexes(): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await mongoose.connection.syncIndexes();
      return;
    } catch (error) {
      if (attempt >= 8 || !onlyConflicts(error)) throw error;
      await sleep(50 + Math.random() * 200 * attempt);
    }
  }
}

/**
 * Earlier versions kept the embedded data in FerretDB v1's SQLite files in the same folder. They are not migrated: every
 * record in them came from GitHub, and reconciliation on startup re-imports each installation into the new database.
 */
function warnOfFerretDBv1Data(dataDir: string, log: Logger): void {
  const legacy = readdirSync(dataDir).filter((file) => file.endsWith(".sqlite"));
  if (legacy.length === 0) return;
  log.warn(
    { dataDir, files: legacy },
    "FerretDB v1 (SQLite) data found beside the embedded database: it is not migrated; reconciliation re-imports every installation from GitHub. Delete the .sqlite files once that is done.",
  );
}

/**
 * The one place that opens the database: MONGODB_URI when given, else the embedded database (PostgreSQL with
 * DocumentDB behind FerretDB, child processes of this one).
 * Indexes are built here, before any request is served, so unique constraints hold from the first event.
 */
export async function connectDatabase(
  config: Pick<Config, "mongodbUri" | "embeddedDatabase">,
  log: Logger,
  dbName?: string,
): Promise<Database> {
  let embedded: EmbeddedDatabase | undefined;
  let uri = config.mongodbUri;
  if (!uri) {
    embedded = await startEmbeddedDatabase({ ...config.embeddedDatabase, log: log.child({ name: "embedded-database" }) });
    uri = embedded.uri;
    log.info({ dataDir: config.embeddedDatabase.dataDir }, "embedded database started");
    warnOfFerretDBv1Data(config.embeddedDatabase.dataDir, log);
  }
  try {
    // An explicit dbName wins; otherwise the URI's path names it, falling back to "tributary".
    const hasPath = /^mongodb(\+srv)?:\/\/[^/]+\/[^?]+/.test(uri);
    await mongoose.connect(uri, { dbName: dbName ?? (hasPath ? undefined : DEFAULT_DATABASE), ...CONNECT_OPTIONS });
    await syncIndexes();
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  const description = embedded ? `embedded database (${config.embeddedDatabase.dataDir})` : redact(uri);
  const unwatch = watchDatabase(log, description);
  log.info({ database: description }, "database connected");
  return {
    description,
    async close() {
      // First: closing is no outage.
      unwatch();
      await mongoose.disconnect();
      await embedded?.stop();
    },
  };
}
