import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import mongoose from "mongoose";
import { describe, expect, it } from "vitest";
import { DEFAULT_FERRETDB_BIN } from "../../src/config.js";
import { EmbeddedDatabaseNotInstalledError, startEmbeddedDatabase } from "../../src/db/embedded-database.js";
import { isRunning, postmasterPid, scratchDir } from "./support.js";

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

  it("stops with the process that owns it, even one killed outright, and leaves the cluster free for the next start", async () => {
    const dataDir = scratchDir();
    try {
      const owner = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "fixtures/embedded-database-process.ts"), dataDir], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      const [firstLine] = (await once(owner.stdout!, "data")) as [Buffer];
      expect(firstLine.toString()).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\//);
      const postgresPid = postmasterPid(dataDir);
      expect(isRunning(postgresPid)).toBe(true);

      owner.kill("SIGKILL");
      for (let waited = 0; isRunning(postgresPid) && waited < 20_000; waited += 100) await sleep(100);
      expect(isRunning(postgresPid), "PostgreSQL outlived the process that owned it").toBe(false);

      const next = await startEmbeddedDatabase({ ferretdbBinary: DEFAULT_FERRETDB_BIN, dataDir, durable: false });
      const client = await new mongoose.mongo.MongoClient(next.uri).connect();
      expect(await client.db("admin").command({ ping: 1 })).toMatchObject({ ok: 1 });
      await client.close();
      await next.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("leaves alone an unrelated process that got the pid of a postmaster that died", async () => {
    const dataDir = scratchDir();
    const unrelated = spawn("sleep", ["60"]);
    try {
      const first = await startEmbeddedDatabase({ ferretdbBinary: DEFAULT_FERRETDB_BIN, dataDir, durable: false });
      const pidFile = join(dataDir, "postgres", "postmaster.pid");
      const lockFile = readFileSync(pidFile, "utf8");
      await first.stop();
      // What a postmaster killed outright leaves behind, once its pid has gone to another process.
      writeFileSync(pidFile, lockFile.replace(/^\d+/, String(unrelated.pid)));

      const next = await startEmbeddedDatabase({ ferretdbBinary: DEFAULT_FERRETDB_BIN, dataDir, durable: false }).catch((error: unknown) => error as Error);
      expect(isRunning(unrelated.pid!), "the unrelated process was stopped").toBe(true);
      // PostgreSQL itself refuses to start beside a live process of its own user named in its lock file.
      if (!(next instanceof Error)) await next.stop();
    } finally {
      unrelated.kill();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
