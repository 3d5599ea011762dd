import { describe, expect, it } from "vitest";
import { OwnedProcess } from "../../src/db/owned-process.js";
import { Supervisor, type ProcessRecipe } from "../../src/db/supervisor.js";
import { capturingLogger, eventually, isRunning, LEVEL, type LogLine } from "./support.js";

const QUICK = { firstDelayMs: 10, maxDelayMs: 80, stableAfterMs: 60_000, startTimeoutMs: 10_000 };

/** A process that runs until stopped; while `failing`, one that exits at once instead, as a start that fails. */
function sleeper() {
  const state = { failing: false, spawned: [] as OwnedProcess[] };
  const failed = new Set<OwnedProcess>();
  const recipe: ProcessRecipe = {
    spawn: () => {
      const process = new OwnedProcess("sleeper", state.failing ? "false" : "sleep", state.failing ? [] : ["600"], "SIGTERM");
      if (state.failing) failed.add(process);
      state.spawned.push(process);
      return process;
    },
    ready: async (process) => {
      if (!failed.has(process)) return;
      await process.exited;
      throw new Error(process.describeExit());
    },
  };
  return { state, recipe };
}

const pidOf = (process: OwnedProcess | undefined) => process!.pid!;

function messages(lines: LogLine[], level: number): string[] {
  return lines.filter((line) => line.level === level).map((line) => line.msg);
}

describe("Supervisor", () => {
  it("restarts a process that exits, keeps retrying a restart that fails, and logs each outage once", async () => {
    const { log, lines } = capturingLogger();
    const { state, recipe } = sleeper();
    const supervisor = await Supervisor.start(recipe, QUICK, log, Date.now() + 10_000);
    try {
      process.kill(pidOf(state.spawned[0]), "SIGKILL");
      await eventually("the restart", async () => expect(messages(lines, LEVEL.info)).toEqual(["sleeper restarted"]));
      expect(state.spawned[1]?.running).toBe(true);

      state.failing = true;
      process.kill(pidOf(state.spawned[1]), "SIGKILL");
      await eventually("five failed restarts", async () => expect(state.spawned.length).toBeGreaterThanOrEqual(7));
      state.failing = false;
      await eventually("the restart after them", async () => expect(messages(lines, LEVEL.info)).toHaveLength(2));

      expect(messages(lines, LEVEL.warn)).toEqual(["sleeper exited; restarting it", "sleeper exited; restarting it", "sleeper did not restart; retrying with backoff"]);
      expect(messages(lines, LEVEL.debug).length, "later failures of the same outage").toBeGreaterThanOrEqual(4);
      expect(lines.filter((line) => line.level === LEVEL.info).at(-1)?.attempts).toBeGreaterThanOrEqual(6);
    } finally {
      await supervisor.stop();
    }
    expect(state.spawned.filter((process) => process.running)).toEqual([]);
  });

  it("stop() during a failing restart ends it: nothing runs or starts after", async () => {
    const { log } = capturingLogger();
    const { state, recipe } = sleeper();
    const supervisor = await Supervisor.start(recipe, QUICK, log, Date.now() + 10_000);
    state.failing = true;
    process.kill(pidOf(state.spawned[0]), "SIGKILL");
    await eventually("a failed restart", async () => expect(state.spawned.length).toBeGreaterThanOrEqual(3));

    await supervisor.stop();
    const spawned = state.spawned.length;
    state.failing = false;
    await new Promise((resolveLater) => setTimeout(resolveLater, 5 * QUICK.maxDelayMs));
    expect(state.spawned).toHaveLength(spawned);
    expect(state.spawned.map(pidOf).filter(isRunning)).toEqual([]);
  });
});
