import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { DEFAULT_FERRETDB_BIN } from "../../src/config.js";
import { startEmbeddedDatabase } from "../../src/db/embedded-database.js";

declare module "vitest" {
  export interface ProvidedContext {
    mongoUri: string;
  }
}

/**
 * One embedded database for the run (a fresh cluster, thrown away after); every test file gets a database of its own.
 * TEST_MONGODB_URI runs the suite against another server instead (MongoDB, Atlas, another FerretDB).
 */
export default async function startTestDatabase(project: TestProject) {
  const external = process.env.TEST_MONGODB_URI;
  if (external) {
    project.provide("mongoUri", external);
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), "tributary-test-"));
  // As root the cluster belongs to an unprivileged user, who must be able to enter the folder.
  chmodSync(dataDir, 0o755);
  const database = await startEmbeddedDatabase({ ferretdbBinary: process.env.FERRETDB_BIN ?? DEFAULT_FERRETDB_BIN, dataDir, durable: false });
  project.provide("mongoUri", database.uri);
  return async () => {
    await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
