import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { get } from "node:http";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import type { GitHubServer } from "../github-server/index.js";

const REPOSITORY_ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface AppProcessOptions {
  github: GitHubServer;
  privateKey: string;
  mongodbUri: string;
  /** The port the local GitHub server already delivers webhooks to. */
  port: number;
  /** Where the app's JSON log lines go. */
  logFile: string;
  /** Extra variables (e.g. RECONCILE_ON_STARTUP=false for exact request counts). */
  env?: Record<string, string>;
  /** Extra `node` flags before the entry point, e.g. `--import` of a probe. */
  nodeArgs?: string[];
  /** Messages the child sends over IPC (only with an IPC channel, i.e. when given). */
  onMessage?: (message: unknown) => void;
}

export interface AppProcess {
  /** Where the app listens, e.g. http://127.0.0.1:3000. */
  url: string;
  webhookUrl: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function pings(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    get(`${url}/ping`, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    }).on("error", () => resolve(false));
  });
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
    MONGODB_URI: options.mongodbUri,
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
 * until it answers `/ping`. The child is killed if this process exits first, so no app outlives a demo.
 */
export async function startAppProcess(options: AppProcessOptions): Promise<AppProcess> {
  const { port } = options;
  const url = `http://127.0.0.1:${port}`;
  const log = createWriteStream(options.logFile);
  const child = spawn(process.execPath, ["--import", "tsx", ...(options.nodeArgs ?? []), "src/main.ts"], {
    cwd: REPOSITORY_ROOT,
    env: { ...process.env, ...appEnvironment(options, port) },
    stdio: ["ignore", "pipe", "pipe", ...(options.onMessage ? (["ipc"] as const) : [])],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  if (options.onMessage) child.on("message", options.onMessage);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const deadline = Date.now() + 60_000;
  while (!(await pings(url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      process.off("exit", killOnExit);
      throw new Error(`The app did not start (${child.exitCode !== null ? `exit code ${child.exitCode}` : "no answer in 60 s"}); see ${options.logFile}`);
    }
    await sleep(100);
  }

  return {
    url,
    webhookUrl: `${url}/api/github/webhooks`,
    port,
    child,
    async stop() {
      log.end();
      process.off("exit", killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      // SIGTERM lets the app finish its current page and checkpoint; a stuck one is killed.
      child.kill("SIGTERM");
      const forced = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(forced);
    },
  };
}
