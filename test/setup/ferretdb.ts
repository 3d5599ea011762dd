import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { DEFAULT_FERRETDB_BIN } from "../../src/config.js";
import { startEmbeddedFerretDB } from "../../src/db/embedded-ferretdb.js";

declare module "vitest" {
  export interface ProvidedContext {
    mongoUri: string;
  }
}

export default async function startTestDatabase(project: TestProject) {
  const dataDir = mkdtempSync(join(tmpdir(), "tributary-test-"));
  const ferretdb = await startEmbeddedFerretDB({ binary: process.env.FERRETDB_BIN ?? DEFAULT_FERRETDB_BIN, dataDir });
  project.provide("mongoUri", ferretdb.uri);
  return async () => {
    await ferretdb.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
