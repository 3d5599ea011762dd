import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { get } from "node:http";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import type { GitHubServer } from "../github-server/index.js";

const REPOSITORY_ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface AppProcessOptions {
  github: GitHubServer;
  privateKey: string;
  /**
   * The app's database. Absent: the app starts its own embedded database in `dataDir`, as `npm start` does without
   * MONGODB_URI (PostgreSQL and FerretDB become its child processes, supervised by it).
   */
  mongodbUri?: string;
  /** FERRETDB_DATA_DIR of the app's own embedded database (only without `mongodbUri`); kept across restarts. */
  dataDir?: string;
  /** The port the local GitHub server already delivers webhooks to. */
  port: number;
  /** Where the app's JSON log lines go. */
  logFile: string;
  /** Add to the log file rather than start it afresh (an app restarted on the same log). */
  appendLog?: boolean;
  /** How long the app may take to answer `/health` (a first start of an embedded database runs initdb). */
  startTimeoutMs?: number;
  /** Extra variables (e.g. RECONCILE_ON_STARTUP=false for exact request counts). */
  env?: Record<string, string>;
  /** Extra `node` flags before the entry point, e.g. `--import` of a probe. */
  nodeArgs?: string[];
  /** Messages the child sends over IPC (only with an IPC channel, i.e. when given). */
  onMessage?: (message: unknown) => void;
}

export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface AppProcess {
  /** Where the app listens, e.g. http://127.0.0.1:3000. */
  url: string;
  webhookUrl: string;
  port: number;
  child: ChildProcess;
  /** The app's process id (node itself: `/proc/<pid>` describes the app). */
  pid: number;
  /** Settles when the process has exited, however it ended. */
  exited: Promise<AppExit>;
  /** Settles once everything the process wrote is in its log file (after it exited). */
  logWritten: Promise<void>;
  /** True until the process has exited. */
  readonly running: boolean;
  /** Sends `signal` (e.g. SIGKILL, as a crash would) and waits until the process has exited. */
  kill(signal: NodeJS.Signals): Promise<AppExit>;
  /** SIGTERM (the app finishes what is in flight), SIGKILL after 10 s. */
  stop(): Promise<void>;
}

function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    get(`${url}/health`, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    }).on("error", () => resolve(false));
  });
}

function databaseEnvironment(options: AppProcessOptions): Record<string, string> {
  if (options.mongodbUri) return { MONGODB_URI: options.mongodbUri };
  if (!options.dataDir) throw new Error("The app needs a database: mongodbUri, or dataDir for an embedded database of its own");
  // Empty counts as unset: a MONGODB_URI inherited from this process must not win over the embedded database.
  return { MONGODB_URI: "", FERRETDB_DATA_DIR: options.dataDir };
}

/** The app's configuration for the local server: exactly what a GitHub Enterprise host would be given. */
function appEnvironment(options: AppProcessOptions, port: number): Record<string, string> {
  const { app } = options.github.context.options;
  return {
    APP_ID: String(app.id),
    PRIVATE_KEY: options.privateKey,
    WEBHOOK_SECRET: app.webhookSecret,
    GITHUB_CLIENT_ID: app.clientId,
    GITHUB_CLIENT_SECRET: app.clientSecret,
    GHE_HOST: new URL(options.github.url).host,
    GHE_PROTOCOL: "http",
    ...databaseEnvironment(options),
    HOST: "127.0.0.1",
    PORT: String(port),
    PUBLIC_URL: `http://localhost:${port}`,
    LOG_FORMAT: "json",
    LOG_LEVEL: "info",
    ...options.env,
  };
}

/**
 * Runs the app as `npm start` does (`node --import tsx src/main.ts`), in a child process of its own, and waits
 * until `/health` answers 200. The child is killed if this process exits first, so no app outlives a demo.
 */
export async function startAppProcess(options: AppProcessOptions): Promise<AppProcess> {
  const { port } = options;
  const url = `http://127.0.0.1:${port}`;
  const env = { ...process.env, ...appEnvironment(options, port) };
  const log = createWriteStream(options.logFile, { flags: options.appendLog ? "a" : "w" });
  const child = spawn(process.execPath, ["--import", "tsx", ...(options.nodeArgs ?? []), "src/main.ts"], {
    cwd: REPOSITORY_ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe", ...(options.onMessage ? (["ipc"] as const) : [])],
  });
  // Both streams go to one file, which is ended once both have closed (not when the first ends).
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  if (options.onMessage) child.on("message", options.onMessage);
  let exit: AppExit | undefined;
  const exited = new Promise<AppExit>((resolve) =>
    child.once("exit", (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    }),
  );
  child.once("close", () => log.end());
  const logWritten = new Promise<void>((resolve) => log.once("close", () => resolve()));
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  void exited.then(() => process.off("exit", killOnExit));

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (!(await healthy(url))) {
    if (exit !== undefined || Date.now() > deadline) {
      child.kill("SIGKILL");
      const why = exit !== undefined ? `exit ${exit.signal ?? `code ${exit.code}`}` : `no healthy answer in ${Math.round((options.startTimeoutMs ?? 60_000) / 1000)} s`;
      throw new Error(`The app did not start (${why}); see ${options.logFile}`);
    }
    await sleep(100);
  }

  const kill = async (signal: NodeJS.Signals) => {
    if (exit === undefined) child.kill(signal);
    return exited;
  };
  return {
    url,
    webhookUrl: `${url}/api/github/webhooks`,
    port,
    child,
    pid: child.pid!,
    exited,
    logWritten,
    get running() {
      return exit === undefined;
    },
    kill,
    async stop() {
      if (exit !== undefined) return;
      // SIGTERM lets the app finish its current page and checkpoint; a stuck one is killed.
      child.kill("SIGTERM");
      const forced = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(forced);
    },
  };
}
