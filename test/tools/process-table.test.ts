import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { cpuUse } from "../../bench/cpu-time.js";
import { descendantsCpu } from "../../tools/process-table.js";

describe("the process table (/proc)", () => {
  it.runIf(process.platform === "linux")("counts the CPU of a process's descendants, a grandchild's included, and only theirs", async () => {
    // A shell whose own child spins for 400 ms of CPU, then both wait to be read.
    const spin = `const end = Date.now() + 400; while (Date.now() < end); setTimeout(() => {}, 60_000)`;
    const shell = spawn("sh", ["-c", `"${process.execPath}" -e '${spin}' & wait`], { stdio: "ignore" });
    let spinner: { pid: number; commandLine: string[]; cpuMs: number } | undefined;
    try {
      for (let tries = 0; tries < 100 && !(spinner && spinner.cpuMs >= 300); tries++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        spinner = descendantsCpu(process.pid).find(({ commandLine }) => commandLine.includes(spin));
      }
      expect(spinner?.cpuMs).toBeGreaterThanOrEqual(300);
      // Not a descendant: the process's parent.
      expect(descendantsCpu(process.pid).map(({ pid }) => pid)).not.toContain(process.ppid);
    } finally {
      if (spinner) process.kill(spinner.pid, "SIGKILL");
      shell.kill("SIGKILL");
      await once(shell, "exit");
    }
  });
});

describe("CPU use over a phase", () => {
  it("divides each role's CPU by the items, and all of it by the wall time", () => {
    const use = cpuUse({ app: 1_000, database: 500, bench: 100 }, { app: 3_000, database: 1_500, bench: 600 }, 1_000, 2_000);
    expect(use).toMatchObject({ appMsPerItem: 2, databaseMsPerItem: 1, benchMsPerItem: 0.5, coresBusy: 1.8 });
  });

  it("leaves the database out when it runs elsewhere", () => {
    const use = cpuUse({ app: 0, database: null, bench: 0 }, { app: 1_000, database: null, bench: 1_000 }, 100, 1_000);
    expect(use).toMatchObject({ databaseMsPerItem: null, coresBusy: 2 });
  });

  it("has nothing to say without readings", () => {
    expect(cpuUse(null, null, 100, 1_000)).toBeNull();
  });
});
