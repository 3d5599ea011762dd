import { readFileSync } from "node:fs";
import type { JobRunEvent } from "./job-runs.js";

/** The fields of an app's JSON log lines (LOG_FORMAT=json) that tell what ran where, and when. */
interface LogLine {
  time: number;
  msg?: string;
  /** A job's key and installation, and the worker running it (see the Worker's start and outcome lines). */
  job?: string;
  installationId?: number;
  worker?: string;
  outcome?: string;
  /** A periodic pass's name, and whether its run was aborted (see schedulePeriodicPass). */
  pass?: string;
  aborted?: boolean;
}

/** One app process's log, and when it was SIGKILLed if it was: what it left running ended then. */
export interface ReplicaLog {
  replica: string;
  file: string;
  killedAt?: number;
}

function logLines(file: string): LogLine[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as LogLine);
}

/** A job run's start or end as a replica logged it. */
export type TimedJobRunEvent = JobRunEvent & { at: number; replica: string };

/**
 * Every job run the replicas logged ("job started", then a line with its `outcome`), as starts and ends in time order;
 * a run a killed replica left open ends at its kill. At one millisecond, ends come first: a job's key is claimed again
 * (and an installation's slot taken) only after the run before has ended. `unended` lists runs open in a replica that
 * was not killed.
 */
export function jobRunEvents(logs: ReplicaLog[]): { events: TimedJobRunEvent[]; unended: string[] } {
  const events: TimedJobRunEvent[] = [];
  const unended: string[] = [];
  for (const { replica, file, killedAt } of logs) {
    const open = new Map<string, TimedJobRunEvent>();
    for (const line of logLines(file)) {
      if (line.job === undefined || line.installationId === undefined || line.worker === undefined) continue;
      const run = { replica, worker: `${replica} (${line.worker})`, key: line.job, installationId: line.installationId };
      if (line.msg === "job started") {
        const start = { ...run, kind: "start" as const, at: line.time };
        open.set(line.job, start);
        events.push(start);
      } else if (line.outcome !== undefined && open.delete(line.job)) {
        events.push({ ...run, kind: "end", at: line.time });
      }
    }
    for (const start of open.values()) {
      if (killedAt === undefined) unended.push(`${start.key} on ${start.worker}`);
      else events.push({ ...start, kind: "end", at: killedAt });
    }
  }
  events.sort((a, b) => a.at - b.at || (a.kind === b.kind ? 0 : a.kind === "end" ? -1 : 1));
  return { events, unended };
}

/** One run of a periodic pass on a replica: from its start line to its end line (or the replica's kill). */
export interface PassRun {
  replica: string;
  start: number;
  end: number;
  aborted: boolean;
  killed: boolean;
}

/** Every run of the pass named `pass` the replicas logged, in the order they started. */
export function passRuns(logs: ReplicaLog[], pass: string): PassRun[] {
  const runs: PassRun[] = [];
  for (const { replica, file, killedAt } of logs) {
    let open: number | undefined;
    for (const line of logLines(file)) {
      if (line.pass !== pass) continue;
      if (line.msg === `the ${pass} pass started`) open = line.time;
      else if (line.msg === `the ${pass} pass ended` && open !== undefined) {
        runs.push({ replica, start: open, end: line.time, aborted: line.aborted === true, killed: false });
        open = undefined;
      }
    }
    if (open !== undefined) runs.push({ replica, start: open, end: killedAt ?? Infinity, aborted: false, killed: killedAt !== undefined });
  }
  return runs.sort((a, b) => a.start - b.start);
}
