import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mongoose from "mongoose";
import { describe, expect, it } from "vitest";
import { DEFAULT_FERRETDB_BIN } from "../../src/config.js";
import { FerretDBNotInstalledError, startEmbeddedFerretDB } from "../../src/db/embedded-ferretdb.js";

describe("embedded FerretDB", () => {
  it("says how to install FerretDB when it is missing, instead of hanging or faking a database", async () => {
    const start = startEmbeddedFerretDB({ binary: "/nonexistent/ferretdb", dataDir: tmpdir() });
    await expect(start).rejects.toBeInstanceOf(FerretDBNotInstalledError);
    await expect(start).rejects.toThrow(/npm run setup/);
  });

  it("starts on a free port with its data in the given directory, keeps data across restarts, and stops", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "tributary-ferretdb-"));
    try {
      const first = await startEmbeddedFerretDB({ binary: DEFAULT_FERRETDB_BIN, dataDir });
      const client = await new mongoose.mongo.MongoClient(first.uri).connect();
      await client.db("restart").collection("things").insertOne({ kept: true });
      await client.close();
      await first.stop();

      const second = await startEmbeddedFerretDB({ binary: DEFAULT_FERRETDB_BIN, dataDir });
      const again = await new mongoose.mongo.MongoClient(second.uri).connect();
      expect(await again.db("restart").collection("things").findOne({}, { projection: { _id: 0 } })).toEqual({ kept: true });
      await again.close();
      await second.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
