import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import mongoose from "mongoose";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { schedulePeriodicPass, type PeriodicPassOptions, type StopPeriodicPass } from "../../src/replicas/periodic-pass.js";
import { PeriodicPassModel } from "../../src/storage/models/periodic-pass.js";
import { clearDatabase } from "../helpers/database.js";
import { eventually } from "../helpers/eventually.js";

/*
 * Replicas of the app each schedule the same periodic passes on one database. Here several schedules run at once in
 * this process, each under a replica name of its own: they coordinate only through the database, as processes do.
 */

const silent = pino({ level: "silent" });
const INTERVAL_MS = 150;

type Run = { replica: string; start: number; end?: number; aborted?: boolean };

let stops: StopPeriodicPass[] = [];

/** Starts `count` replicas scheduling one pass; every run is recorded in `runs` and lasts `runMs` (or until aborted). */
function replicas(count: number, runs: Run[], options: Partial<PeriodicPassOptions> & { runMs?: number } = {}) {
  const { runMs = 20, ...rest } = options;
  const started = Array.from({ length: count }, (_, i) => {
    const replica = rest.holder ?? `replica ${i + 1}`;
    return schedulePeriodicPass({
      name: "hourly",
      intervalMs: INTERVAL_MS,
      runNow: true,
      leaseMs: 600,
      log: silent,
      holder: replica,
      run: async (signal) => {
        const run: Run = { replica, start: Date.now() };
        runs.push(run);
        await Promise.race([sleep(runMs), new Promise((resolve) => signal.addEventListener("abort", resolve))]);
        run.aborted = signal.aborted;
        run.end = Date.now();
      },
      ...rest,
    });
  });
  stops.push(...started);
  return started;
}

beforeEach(clearDatabase);
afterEach(async () => {
  await Promise.all(stops.map((stop) => stop()));
  stops = [];
});

describe("a periodic pass scheduled by several replicas", () => {
  it.each([2, 3])("runs once per interval in total across %i replicas, one run at a time", async (count) => {
    const runs: Run[] = [];
    replicas(count, runs);

    await eventually("eight runs", async () => runs.filter((run) => run.end !== undefined).length >= 8);
    await Promise.all(stops.map((stop) => stop()));

    const finished = runs.filter((run): run is Required<Run> => run.end !== undefined);
    // Each run starts an interval or more after the previous one ended, whichever replicas ran them; the first too: the
    // replicas starting together asked for a run at once (RECONCILE_ON_STARTUP) between them, not one each.
    for (const [previous, next] of finished.slice(1).map((run, i) => [finished[i]!, run] as const)) {
      expect(next.start - previous.end, `${previous.replica} then ${next.replica}`).toBeGreaterThanOrEqual(INTERVAL_MS);
    }
    // So over the window they span, there are as many runs as intervals fit in it (plus the run at its start), not one per replica.
    const window = finished.at(-1)!.end - finished[0]!.start;
    expect(finished.length).toBeLessThanOrEqual(Math.floor(window / INTERVAL_MS) + 1);
  });

  it("is taken over by another replica once the lease of a holder that died lapses", async () => {
    const leaseMs = 600;
    const holder = spawn(
      process.execPath,
      ["--import", "tsx", join(import.meta.dirname, "fixtures/pass-holder.ts"), inject("mongoUri"), mongoose.connection.name, "hourly", String(leaseMs)],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const exited = new Promise((resolve) => holder.once("exit", resolve));
    try {
      await new Promise<void>((resolve) => createInterface({ input: holder.stdout }).once("line", () => resolve()));
      const runs: Run[] = [];
      replicas(2, runs, { leaseMs, checkMs: 50 });

      // The holder renews its lease while it lives: however long the others look, the pass stays its own.
      await sleep(3 * leaseMs);
      expect(runs).toEqual([]);
      expect(await PeriodicPassModel.findById("hourly").lean()).toMatchObject({ holder: "doomed replica" });

      holder.kill("SIGKILL");
      await exited;
      const { lockedUntil } = (await PeriodicPassModel.findById("hourly").lean())!;
      await eventually("another replica runs the pass", async () => runs.length > 0);

      expect(runs[0]!.start).toBeGreaterThanOrEqual(lockedUntil.getTime());
    } finally {
      holder.kill("SIGKILL");
      await exited;
    }
  });

  it("is handed back at once by a replica that stops holding it (SIGTERM): another runs it without waiting for the lease", async () => {
    const runs: Run[] = [];
    const [first] = replicas(1, runs, { runMs: 60_000, leaseMs: 60_000, checkMs: 20 });
    await eventually("the first replica runs the pass", async () => runs.length === 1);
    replicas(1, runs, { holder: "replica 2", runMs: 0, leaseMs: 60_000, checkMs: 20 });
    const { lockedUntil } = (await PeriodicPassModel.findById("hourly").lean())!;

    await first!();

    await eventually("the second replica runs the pass", async () => runs.length === 2);
    expect(runs[0]).toMatchObject({ replica: "replica 1", aborted: true });
    expect(runs[1]).toMatchObject({ replica: "replica 2" });
    expect(runs[1]!.start).toBeLessThan(lockedUntil.getTime());
  });
});
