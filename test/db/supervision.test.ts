import { execFileSync, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import mongoose from "mongoose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_FERRETDB_BIN } from "../../src/config.js";
import { CONNECT_OPTIONS } from "../../src/db/connection.js";
import { startEmbeddedDatabase } from "../../src/db/embedded-database.js";
import { DatabaseHealthMonitor, isDatabaseUnavailable } from "../../src/db/health.js";
import { capturingLogger, eventually, isRunning, LEVEL, postmasterPid, scratchDir, type LogLine } from "./support.js";

const KILL_TEST = { timeout: 180_000 };

function pgrep(args: string[]): number[] {
  try {
    return execFileSync("pgrep", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim().split("\n").map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

function ferretdbPid(uri: string): number {
  const [pid, ...others] = pgrep(["-f", "--", `--listen-addr=${new URL(uri).host}`]);
  expect(others, "one FerretDB on the port").toEqual([]);
  return pid!;
}

/** PostgreSQL's postmaster and every process it started. */
function postgresPids(dataDir: string): number[] {
  const postmaster = postmasterPid(dataDir);
  return [postmaster, ...pgrep(["-P", String(postmaster)])];
}

function logged(lines: LogLine[], level: number, message: string): LogLine[] {
  return lines.filter((line) => line.level === level && line.msg === message);
}

/** Waits until `name` has been told restarted `times` times in all. */
async function restarted(lines: LogLine[], name: "PostgreSQL" | "FerretDB", times: number): Promise<void> {
  await eventually(`restart ${times} of ${name}`, async () => expect(logged(lines, LEVEL.info, `${name} restarted`)).toHaveLength(times));
}

/**
 * A database of its own, killed in pieces: the app's connection options on a separate mongoose connection, so the
 * suite's database and this file's default connection are not disturbed. Durable, like the app's: with
 * synchronous_commit off, a commit acknowledged just before PostgreSQL is killed could be lost.
 */
async function startOwnDatabase() {
  const dataDir = scratchDir();
  const { log, lines } = capturingLogger();
  const database = await startEmbeddedDatabase({ ferretdbBinary: DEFAULT_FERRETDB_BIN, dataDir, log });
  const connection = await mongoose.createConnection(database.uri, { ...CONNECT_OPTIONS, dbName: "supervision" }).asPromise();
  const Thing = connection.model("Thing", new mongoose.Schema({ n: Number }));
  return { dataDir, lines, database, connection, Thing };
}

/**
 * Writes (idempotently, as a write whose answer was lost is written again) and then reads through `Thing` until the
 * database answers again; every error on the way must be one that tells an outage.
 */
async function writesAndReadsAgain(Thing: mongoose.Model<{ n?: number | null }>, n: number): Promise<number[]> {
  const errors: unknown[] = [];
  const retried = <T>(what: string, attempt: () => Promise<T>) =>
    eventually(what, () =>
      attempt().catch((error: unknown) => {
        errors.push(error);
        throw error;
      }),
    );
  await retried(`the write of ${n}`, () => Thing.updateOne({ n }, { $set: { n } }, { upsert: true }));
  const seen = await retried("the read", () => Thing.find().sort({ n: 1 }).lean());
  expect(errors.filter((error) => !isDatabaseUnavailable(error)), "errors during the outage not told as one").toEqual([]);
  return seen.map((thing) => thing.n as number);
}

describe("the embedded database's supervision", () => {
  let own: Awaited<ReturnType<typeof startOwnDatabase>>;

  beforeAll(async () => {
    own = await startOwnDatabase();
  });

  afterAll(async () => {
    await own?.connection.close();
    await own?.database.stop();
    if (own) rmSync(own.dataDir, { recursive: true, force: true });
  });

  it("restarts PostgreSQL killed outright, on its port: the same client reads and writes again, committed data is kept", KILL_TEST, async () => {
    await own.Thing.create({ n: 1 });
    const killed = postmasterPid(own.dataDir);
    const ferretdb = ferretdbPid(own.database.uri);

    process.kill(killed, "SIGKILL");

    // Through the outage (a write may still reach a backend that outlived its postmaster for a moment) and after it.
    await writesAndReadsAgain(own.Thing, 2);
    await restarted(own.lines, "PostgreSQL", 1);
    expect(await writesAndReadsAgain(own.Thing, 3)).toEqual([1, 2, 3]);
    expect(postmasterPid(own.dataDir)).not.toBe(killed);
    expect(ferretdbPid(own.database.uri), "FerretDB kept running and reconnected by itself").toBe(ferretdb);
    expect(logged(own.lines, LEVEL.warn, "PostgreSQL exited; restarting it")).toHaveLength(1);
  });

  it("restarts FerretDB killed outright, on its port: the same client reads and writes again", KILL_TEST, async () => {
    const killed = ferretdbPid(own.database.uri);

    process.kill(killed, "SIGKILL");

    expect(await writesAndReadsAgain(own.Thing, 4)).toEqual([1, 2, 3, 4]);
    await restarted(own.lines, "FerretDB", 1);
    expect(ferretdbPid(own.database.uri)).not.toBe(killed);
    expect(logged(own.lines, LEVEL.warn, "FerretDB exited; restarting it")).toHaveLength(1);
  });

  it("tells a stopped PostgreSQL down within the ping's timeout, without hanging, and up again once it continues", KILL_TEST, async () => {
    const health = new DatabaseHealthMonitor(own.connection, { pingTimeoutMs: 1_000, probeIntervalMs: 1_000 });
    expect((await health.check()).state).toBe("up");
    const stopped = postgresPids(own.dataDir);
    try {
      for (const pid of stopped) process.kill(pid, "SIGSTOP");
      // No deadline of its own: were the ping to hang, the test's timeout would fail it.
      const down = await health.check();
      expect(down.state).toBe("down");
      expect(down.error).toMatch(/timed out/i);
    } finally {
      for (const pid of stopped) process.kill(pid, "SIGCONT");
    }
    await eventually("health up", async () => expect((await health.check()).state).toBe("up"));
    expect(await writesAndReadsAgain(own.Thing, 5)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe("stopping the embedded database", () => {
  it("after restarts, and during one, leaves no process behind and restarts nothing after", KILL_TEST, async () => {
    const { dataDir, lines, database, connection, Thing } = await startOwnDatabase();
    try {
      process.kill(ferretdbPid(database.uri), "SIGKILL");
      await restarted(lines, "FerretDB", 1);
      process.kill(postmasterPid(dataDir), "SIGKILL");
      await restarted(lines, "PostgreSQL", 1);
      await writesAndReadsAgain(Thing, 1);
      const running = [ferretdbPid(database.uri), ...postgresPids(dataDir)];

      // Killed again, and stopped while its restart waits.
      process.kill(postmasterPid(dataDir), "SIGKILL");
      await eventually("the exit noticed", async () => expect(logged(lines, LEVEL.warn, "PostgreSQL exited; restarting it")).toHaveLength(2));
      await database.stop();

      await eventually("every process gone", async () => expect(running.filter(isRunning)).toEqual([]));
      // Past the restart's delay: nothing came back.
      await sleep(2_000);
      expect(pgrep(["-f", "--", dataDir])).toEqual([]);
      expect(logged(lines, LEVEL.info, "PostgreSQL restarted")).toHaveLength(1);
    } finally {
      await connection.close();
      await database.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("the app's database connection", () => {
  it("keeps the process running through PostgreSQL and FerretDB killed outright; writes resume, each outage is logged once", KILL_TEST, async () => {
    const dataDir = scratchDir();
    const app = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "fixtures/app-database-process.ts"), dataDir], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const lines: LogLine[] = [];
    createInterface({ input: app.stdout }).on("line", (line) => lines.push(JSON.parse(line) as LogLine));
    const exited = new Promise((resolveExit) => app.once("exit", resolveExit));
    const writtenAfter = (message: string) => {
      const index = lines.findLastIndex((line) => line.msg === message);
      return index >= 0 && lines.slice(index).some((line) => line.msg === "written");
    };
    try {
      await eventually("a first write", async () => expect(writtenAfter("database connected")).toBe(true));

      process.kill(postmasterPid(dataDir), "SIGKILL");
      await eventually("writes after PostgreSQL's restart", async () => expect(writtenAfter("PostgreSQL restarted")).toBe(true));
      const [ferretdb] = pgrep(["-f", "--", `--state-dir=${join(dataDir, "ferretdb")}`]);
      process.kill(ferretdb!, "SIGKILL");
      await eventually("writes after FerretDB's restart", async () => expect(writtenAfter("FerretDB restarted")).toBe(true));

      expect(app.exitCode).toBeNull();
      const outages = logged(lines, LEVEL.warn, "database unreachable; what failed is retried later");
      expect(outages.length, "one per killed process, not one per failed write").toBeGreaterThanOrEqual(1);
      expect(outages.length).toBeLessThanOrEqual(2);
      expect(lines.filter((line) => line.level === LEVEL.info && /^database reachable again after \d+ s$/.test(line.msg))).toHaveLength(outages.length);
      expect(lines.filter((line) => line.level >= LEVEL.error)).toEqual([]);
    } finally {
      app.kill("SIGKILL");
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
