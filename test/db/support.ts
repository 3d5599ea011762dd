import { chmodSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { pino, type Logger } from "pino";

export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "tributary-embedded-"));
  // As root the cluster belongs to an unprivileged user, who must be able to enter the folder.
  chmodSync(dir, 0o755);
  return dir;
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function postmasterPid(dataDir: string): number {
  return Number(readFileSync(join(dataDir, "postgres", "postmaster.pid"), "utf8").split("\n")[0]);
}

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A logger that keeps its lines, to tell what was logged and how often. */
export function capturingLogger(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = pino({ level: "debug" }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return { log, lines };
}

export const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;

/** Runs `attempt` until it succeeds, and gives its result; fails with its last error past a generous deadline. */
export async function eventually<T>(what: string, attempt: () => Promise<T>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what} did not happen in time; last error: ${String(error)}`);
    }
    await sleep(100);
  }
}
