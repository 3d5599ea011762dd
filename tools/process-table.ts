import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/*
 * Linux's process table (/proc), for the tools that watch the processes they started: the fault drill (PostgreSQL's
 * backends, the app's memory) and the bench (the CPU each process spent).
 */

/** The ids of the processes running now. */
export const processIds = () => readdirSync("/proc").filter((name) => /^\d+$/.test(name));

/** A process's command line, split into its arguments; empty once it is gone. */
export function commandLine(pid: string | number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch {
    return [];
  }
}

interface ProcessStat {
  state: string;
  parent: number;
  /** CPU time in clock ticks, its own (user and system) and that of its children it has waited for. */
  cpuTicks: number;
}

/** The fields of /proc/<pid>/stat the tools read; null once the process is gone. */
function processStat(pid: string | number): ProcessStat | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // The command name, in parentheses, may hold spaces: the fields are counted from its closing one.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
  return { state: fields[0]!, parent: Number(fields[1]), cpuTicks: utime! + stime! + cutime! + cstime! };
}

/** Whether a process exists (and is not a zombie waiting for its parent). */
export function isAlive(pid: number): boolean {
  const stat = processStat(pid);
  return stat !== null && stat.state !== "Z";
}

/** A process's children (PostgreSQL's backends and helpers are the postmaster's). */
export function childrenOf(parent: number): number[] {
  return processIds()
    .filter((pid) => processStat(pid)?.parent === parent)
    .map(Number);
}

/** A process's resident set size in bytes (VmRSS of /proc/<pid>/status); null once it is gone. */
export function residentBytes(pid: number): number | null {
  try {
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}

let ticksPerSecond: number | undefined;

/** The kernel's clock ticks per second, the unit of /proc's CPU times (100 almost everywhere). */
function clockTicksPerSecond(): number {
  ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  return ticksPerSecond;
}

/** A process below `ancestor` with the CPU time it has spent so far. */
export interface DescendantCpu {
  pid: number;
  commandLine: string[];
  cpuMs: number;
}

/**
 * Every process descended from `ancestor` (children, their children, …) with the CPU time each has spent, its
 * waited-for children's included: a PostgreSQL backend that ended counts in its postmaster's time from then on.
 */
export function descendantsCpu(ancestor: number): DescendantCpu[] {
  const stats = new Map<number, ProcessStat>();
  for (const pid of processIds()) {
    const stat = processStat(pid);
    if (stat) stats.set(Number(pid), stat);
  }
  const below = (pid: number): boolean => {
    const parent = stats.get(pid)?.parent;
    return parent === ancestor || (parent !== undefined && parent > 1 && below(parent));
  };
  const msPerTick = 1000 / clockTicksPerSecond();
  return [...stats]
    .filter(([pid]) => below(pid))
    .map(([pid, stat]) => ({ pid, commandLine: commandLine(pid), cpuMs: stat.cpuTicks * msPerTick }));
}
