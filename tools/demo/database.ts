import { chmodSync, mkdirSync, rmSync } from "node:fs";
import mongoose from "mongoose";
import { pino } from "pino";
import { DEFAULT_FERRETDB_BIN } from "../../src/config.js";
import { connectDatabase, type Database } from "../../src/db/connection.js";
import { startEmbeddedDatabase } from "../../src/db/embedded-database.js";

export interface SharedDatabase {
  /** Connection string the app process is given: the same database this process reads. */
  appUri: string;
  close(): Promise<void>;
}

/**
 * Starts a fresh embedded database in `dataDir` (wiped first: every run starts from an empty database) and connects
 * this process to it, so the demo and the benchmark read what the app (a child process) writes.
 */
export async function startSharedDatabase(dataDir: string, name: string): Promise<SharedDatabase> {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  // As root the cluster belongs to an unprivileged user, who must be able to enter the folder.
  chmodSync(dataDir, 0o755);
  const embedded = await startEmbeddedDatabase({ ferretdbBinary: process.env.FERRETDB_BIN ?? DEFAULT_FERRETDB_BIN, dataDir });
  const appUri = `${embedded.uri}${name}`;
  let database: Database;
  try {
    database = await connectDatabase({ mongodbUri: appUri, embeddedDatabase: { ferretdbBinary: "", dataDir: "" } }, pino({ level: "silent" }));
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  return {
    appUri,
    async close() {
      await database.close();
      await embedded.stop();
    },
  };
}

/** The URI of the database this process is connected to, for a child process to use the same one (tests). */
export function currentDatabaseUri(serverUri: string): string {
  return `${serverUri.replace(/\/?$/, "/")}${mongoose.connection.name}`;
}
