import mongoose from "mongoose";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import "../storage/models/index.js";
import { startEmbeddedFerretDB, type EmbeddedFerretDB } from "./embedded-ferretdb.js";

export const DEFAULT_DATABASE = "tributary";

export interface Database {
  /** Where the data lives, without credentials, for log lines. */
  description: string;
  close(): Promise<void>;
}

function redact(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, "//***@");
}

/**
 * The one place that opens the database: MONGODB_URI when given, else an embedded FerretDB child process.
 * Indexes are built here, before any request is served, so unique constraints hold from the first event.
 */
export async function connectDatabase(
  config: Pick<Config, "mongodbUri" | "ferretdb">,
  log: Logger,
  dbName?: string,
): Promise<Database> {
  let embedded: EmbeddedFerretDB | undefined;
  let uri = config.mongodbUri;
  if (!uri) {
    embedded = await startEmbeddedFerretDB(config.ferretdb);
    uri = embedded.uri;
    log.info({ dataDir: config.ferretdb.dataDir }, "embedded FerretDB started");
  }
  try {
    // An explicit dbName wins; otherwise the URI's path names it, falling back to "tributary".
    const hasPath = /^mongodb(\+srv)?:\/\/[^/]+\/[^?]+/.test(uri);
    await mongoose.connect(uri, { dbName: dbName ?? (hasPath ? undefined : DEFAULT_DATABASE), serverSelectionTimeoutMS: 10_000 });
    await mongoose.connection.syncIndexes();
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  const description = embedded ? `embedded FerretDB (${config.ferretdb.dataDir})` : redact(uri);
  log.info({ database: description }, "database connected");
  return {
    description,
    async close() {
      await mongoose.disconnect();
      await embedded?.stop();
    },
  };
}
