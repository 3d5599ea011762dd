import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mongoose from "mongoose";
import { describe, expect, it } from "vitest";
import { DEFAULT_FERRETDB_BIN } from "../../src/config.js";
import { EmbeddedDatabaseNotInstalledError, startEmbeddedDatabase } from "../../src/db/embedded-database.js";

function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "tributary-embedded-"));
  chmodSync(dir, 0o755);
  return dir;
}

describe("embedded database (PostgreSQL with DocumentDB, behind FerretDB)", () => {
  it("says how to set it up, or what to use instead, when a piece is missing", async () => {
    const start = startEmbeddedDatabase({ ferretdbBinary: "/nonexistent/ferretdb", dataDir: tmpdir() });
    await expect(start).rejects.toBeInstanceOf(EmbeddedDatabaseNotInstalledError);
    await expect(start).rejects.toThrow(/npm run setup[\s\S]*MONGODB_URI/);
  });

  it("creates its cluster on first start, keeps data across restarts, and speaks MongoDB's protocol", async () => {
    const dataDir = scratchDir();
    try {
      const first = await startEmbeddedDatabase({ ferretdbBinary: DEFAULT_FERRETDB_BIN, dataDir });
      const client = await new mongoose.mongo.MongoClient(first.uri).connect();
      const build = await client.db("admin").command({ buildInfo: 1 });
      expect(build.ferretdb?.version ?? build.ferretdbVersion).toMatch(/^v2\./);
      await client.db("restart").collection("things").insertOne({ kept: true });
      await client.close();
      await first.stop();

      const second = await startEmbeddedDatabase({ ferretdbBinary: DEFAULT_FERRETDB_BIN, dataDir });
      const again = await new mongoose.mongo.MongoClient(second.uri).connect();
      expect(await again.db("restart").collection("things").findOne({}, { projection: { _id: 0 } })).toEqual({ kept: true });
      await again.close();
      await second.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
