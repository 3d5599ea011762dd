import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createServer, connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { FERRETDB_VERSION } from "../config.js";

export class FerretDBNotInstalledError extends Error {
  constructor(binary: string) {
    super(
      `FerretDB is not installed at ${binary}.\n` +
        `Install it with \`npm run setup\` (builds FerretDB ${FERRETDB_VERSION} from the Go module proxy into .tools/bin),\n` +
        "or set MONGODB_URI to use a MongoDB server instead.",
    );
    this.name = "FerretDBNotInstalledError";
  }
}

export interface EmbeddedFerretDB {
  uri: string;
  stop(): Promise<void>;
}

export interface EmbeddedFerretDBOptions {
  binary: string;
  dataDir: string;
  startTimeoutMs?: number;
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolvePort(address.port) : reject(new Error("no port"))));
    });
  });
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolveAnswer) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolveAnswer(true);
    });
    socket.once("error", () => resolveAnswer(false));
  });
}

/**
 * Starts FerretDB (SQLite backend) as a child process on a free loopback port and waits until it accepts connections.
 * The child is killed when this process exits, however it exits, so no orphan keeps the data directory locked.
 */
export async function startEmbeddedFerretDB({
  binary,
  dataDir,
  startTimeoutMs = 30_000,
}: EmbeddedFerretDBOptions): Promise<EmbeddedFerretDB> {
  if (!existsSync(binary)) throw new FerretDBNotInstalledError(binary);
  mkdirSync(dataDir, { recursive: true });
  const port = await freeLoopbackPort();
  const child: ChildProcess = spawn(
    binary,
    [
      "--handler=sqlite",
      `--sqlite-url=file:${dataDir}/`,
      `--state-dir=${dataDir}`,
      `--listen-addr=127.0.0.1:${port}`,
      "--debug-addr=-",
      "--telemetry=disable",
      "--log-level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited = false;
  const exit = new Promise<void>((resolveExit) =>
    child.once("exit", () => {
      exited = true;
      resolveExit();
    }),
  );
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const deadline = Date.now() + startTimeoutMs;
  while (!(await answers(port))) {
    if (exited || Date.now() > deadline) {
      child.kill("SIGKILL");
      process.off("exit", killOnExit);
      throw new Error(
        `FerretDB did not start (${exited ? `exited with code ${child.exitCode}` : `no answer in ${startTimeoutMs} ms`}):\n${stderr.trim()}`,
      );
    }
    await sleep(50);
  }

  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    async stop() {
      process.off("exit", killOnExit);
      if (exited) return;
      child.kill("SIGTERM");
      const forced = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exit;
      clearTimeout(forced);
    },
  };
}
