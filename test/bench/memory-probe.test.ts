import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { MemoryProbeStop } from "../../bench/memory-probe.js";

const PROBE = fileURLToPath(new URL("../../bench/memory-probe.ts", import.meta.url));
/** How often the probe forces a full collection. */
const COLLECTION_EVERY_MS = 2_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the bench's memory probe", () => {
  it("stops forcing collections and reporting once told, and does not keep the process alive", async () => {
    // A process that has nothing to do for 8 s, then ends by itself; --trace-gc prints each collection.
    const child = spawn(process.execPath, ["--import", "tsx", "--import", PROBE, "--trace-gc", "-e", "setTimeout(() => {}, 8_000)"], {
      stdio: ["ignore", "pipe", "inherit", "ipc"],
    });
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    let reports = 0;
    child.on("message", () => (reports += 1));
    const forced = () => output.split("\n").filter((line) => line.includes("testing")).length;
    try {
      for (let waited = 0; forced() === 0 && waited < 3 * COLLECTION_EVERY_MS; waited += 50) await sleep(50);
      expect(forced()).toBeGreaterThan(0);
      expect(reports).toBeGreaterThan(0);

      child.send({ kind: "memory-probe-stop" } satisfies MemoryProbeStop);
      await sleep(300);
      const [forcedAtStop, reportsAtStop] = [forced(), reports];
      await sleep(2 * COLLECTION_EVERY_MS + 500);
      expect(forced()).toBe(forcedAtStop);
      expect(reports).toBe(reportsAtStop);

      const [code] = (await Promise.race([once(child, "exit"), sleep(10_000).then(() => ["still running"])])) as [unknown];
      expect(code).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  }, 30_000);
});
