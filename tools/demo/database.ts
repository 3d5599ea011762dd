import { rmSync } from "node:fs";
import mongoose from "mongoose";
import { pino } from "pino";
import { DEFAULT_FERRETDB_BIN } from "../../src/config.js";
import { connectDatabase, type Database } from "../../src/db/connection.js";
import { startEmbeddedFerretDB } from "../../src/db/embedded-ferretdb.js";

export interface SharedDatabase {
  /** Connection string the app process is given: the same database this process reads. */
  appUri: string;
  close(): Promise<void>;
}

/**
 * Starts a fresh embedded FerretDB in `dataDir` (wiped first: every run starts from an empty database) and connects
 * this process to it, so the demo and the benchmark read what the app (a child process) writes.
 */
export async function startSharedDatabase(dataDir: string, name: string): Promise<SharedDatabase> {
  rmSync(dataDir, { recursive: true, force: true });
  const ferretdb = await startEmbeddedFerretDB({ binary: process.env.FERRETDB_BIN ?? DEFAULT_FERRETDB_BIN, dataDir });
  const appUri = `${ferretdb.uri}${name}`;
  let database: Database;
  try {
    database = await connectDatabase({ mongodbUri: appUri, ferretdb: { binary: "", dataDir: "" } }, pino({ level: "silent" }));
  } catch (error) {
    await ferretdb.stop();
    throw error;
  }
  return {
    appUri,
    async close() {
      await database.close();
      await ferretdb.stop();
    },
  };
}

/** The URI of the database this process is connected to, for a child process to use the same one (tests). */
export function currentDatabaseUri(serverUri: string): string {
  return `${serverUri.replace(/\/?$/, "/")}${mongoose.connection.name}`;
}
