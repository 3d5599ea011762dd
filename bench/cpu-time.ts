import { cpus } from "node:os";
import { descendantsCpu } from "../tools/process-table.js";
import { round1 } from "./figures.js";

/**
 * CPU time spent so far, in ms, by role: the app (its process), the embedded database (PostgreSQL and FerretDB, when
 * the bench started them), and the bench itself (the local GitHub and the webhook sender, which stand in for GitHub).
 */
interface CpuTime {
  app: number;
  /** Null when the database runs elsewhere (MONGODB_URI): its CPU is not this machine's to count. */
  database: number | null;
  bench: number;
}

const isApp = (args: string[]) => args.some((arg) => /(^|\/)(src\/main\.ts|dist\/main\.js)$/.test(arg));
const isDatabase = (args: string[]) => /(^|\/)(postgres|ferretdb)$/.test(args[0] ?? "") || args[0]?.startsWith("postgres:") === true;

/** The CPU spent so far by this process and the processes it started; null where /proc is not there to tell (not Linux). */
export function cpuTimeNow(): CpuTime | null {
  if (process.platform !== "linux") return null;
  const { user, system } = process.cpuUsage();
  const descendants = descendantsCpu(process.pid);
  const total = (matches: (args: string[]) => boolean) =>
    descendants.filter(({ commandLine }) => matches(commandLine)).reduce((sum, { cpuMs }) => sum + cpuMs, 0);
  const database = descendants.some(({ commandLine }) => isDatabase(commandLine)) ? total(isDatabase) : null;
  return { app: total(isApp), database, bench: (user + system) / 1000 };
}

/** What a phase of work cost the machine: CPU ms per item, by role, and how many of its cores were busy on average. */
export interface CpuUse {
  appMsPerItem: number;
  databaseMsPerItem: number | null;
  benchMsPerItem: number;
  /** All roles' CPU over the phase's wall time, of `cores`. */
  coresBusy: number;
  cores: number;
}

/** The CPU use between two readings, over `items` and `wallMs`; null without readings. */
export function cpuUse(start: CpuTime | null, end: CpuTime | null, items: number, wallMs: number): CpuUse | null {
  if (!start || !end || items === 0 || wallMs <= 0) return null;
  const database = start.database === null || end.database === null ? null : end.database - start.database;
  const spent = end.app - start.app + (database ?? 0) + (end.bench - start.bench);
  const perItem = (ms: number) => Math.round((ms / items) * 100) / 100;
  return {
    appMsPerItem: perItem(end.app - start.app),
    databaseMsPerItem: database === null ? null : perItem(database),
    benchMsPerItem: perItem(end.bench - start.bench),
    coresBusy: round1(spent / wallMs),
    cores: cpus().length,
  };
}
