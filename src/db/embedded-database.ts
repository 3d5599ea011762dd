import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, chownSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { EMBEDDED_DATABASE } from "../config.js";

/** Raised when a piece of the embedded database is missing; the message says how to get it, or what to use instead. */
export class EmbeddedDatabaseNotInstalledError extends Error {
  constructor(missing: string) {
    super(
      `The embedded database is not set up: ${missing}.\n` +
        `Install it with \`npm run setup\` (PostgreSQL ${EMBEDDED_DATABASE.postgresMajor} with DocumentDB, and FerretDB ` +
        `${EMBEDDED_DATABASE.ferretdbVersion}; needs root on a Debian-like machine),\n` +
        "or set MONGODB_URI to a MongoDB server (or a Docker container: ferretdb-eval:2 or mongo:7) instead.",
    );
    this.name = "EmbeddedDatabaseNotInstalledError";
  }
}

export interface EmbeddedDatabase {
  uri: string;
  stop(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  ferretdbBinary: string;
  /** PostgreSQL's cluster goes in `postgres/` below it, FerretDB's state in `ferretdb/`. */
  dataDir: string;
  /**
   * False for throwaway data (tests): PostgreSQL then skips fsync, which a crash of the machine could cost the data
   * for. The app always runs durable.
   */
  durable?: boolean;
  startTimeoutMs?: number;
}

const POSTGRES_BIN = `/usr/lib/postgresql/${EMBEDDED_DATABASE.postgresMajor}/bin`;
const SUPERUSER = "postgres";
/** PostgreSQL refuses to run as root: as root, the cluster belongs to this unprivileged user (Debian's package makes it). */
const CLUSTER_OWNER = "postgres";

// What FerretDB's own image sets for DocumentDB (its packaging/10-preload.sh), plus a loopback-only listener.
const SETTINGS = `
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
shared_preload_libraries = 'pg_cron,pg_documentdb_core,pg_documentdb'
cron.database_name = 'postgres'
documentdb.enableCompact = true
documentdb.enableLetAndCollationForQueryMatch = true
documentdb.enableNowSystemVariable = true
documentdb.enableSortbyIdPushDownToPrimaryKey = true
documentdb.enableSchemaValidation = true
documentdb.enableBypassDocumentValidation = true
`;
/**
 * Concurrent writers of one key can deadlock inside DocumentDB; PostgreSQL tells them apart only after this wait (1 s
 * by default), and the writers retry (see storage/bulk-writes.ts). Set on every start, so older clusters get it too.
 */
const DEADLOCK_SETTINGS = ["-c", "deadlock_timeout=200ms"];
const THROWAWAY_SETTINGS = ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"];

interface Identity {
  uid: number;
  gid: number;
}

function checkInstalled(ferretdbBinary: string): void {
  if (!existsSync(join(POSTGRES_BIN, "postgres"))) throw new EmbeddedDatabaseNotInstalledError(`no PostgreSQL ${EMBEDDED_DATABASE.postgresMajor} in ${POSTGRES_BIN}`);
  const sharedir = execFileSync(join(POSTGRES_BIN, "pg_config"), ["--sharedir"], { encoding: "utf8" }).trim();
  const control = join(sharedir, "extension", "documentdb.control");
  const version = existsSync(control) ? /default_version\s*=\s*'([^']+)'/.exec(readFileSync(control, "utf8"))?.[1] : undefined;
  if (version !== EMBEDDED_DATABASE.documentdbVersion) {
    throw new EmbeddedDatabaseNotInstalledError(
      version ? `DocumentDB ${version} is installed, ${EMBEDDED_DATABASE.documentdbVersion} is needed` : "the DocumentDB extension is not installed",
    );
  }
  if (!existsSync(ferretdbBinary)) throw new EmbeddedDatabaseNotInstalledError(`no FerretDB at ${ferretdbBinary}`);
}

/** Who runs PostgreSQL: this process's user, or the unprivileged cluster owner when this process is root. */
function clusterIdentity(): Identity | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const id = (flag: string) => Number(execFileSync("id", [flag, CLUSTER_OWNER], { encoding: "utf8" }).trim());
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    throw new EmbeddedDatabaseNotInstalledError(`running as root, but there is no unprivileged "${CLUSTER_OWNER}" user to own the cluster`);
  }
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
 * A child process that stops with this one: `setpriv --pdeathsig` has the kernel send it its stop signal when its parent
 * dies, however the parent dies (kill -9 included), so no orphan keeps the cluster locked; as root it also drops to the
 * cluster owner.
 */
class OwnedProcess {
  private readonly child: ChildProcess;
  private output = "";
  private readonly exited: Promise<void>;
  private hasExited = false;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    private readonly stopSignal: NodeJS.Signals,
    identity?: Identity,
  ) {
    const drop = identity ? ["--reuid", String(identity.uid), "--regid", String(identity.gid), "--clear-groups"] : [];
    this.child = spawn("setpriv", ["--pdeathsig", stopSignal, ...drop, "--", command, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-4000));
    this.child.stdout?.on("data", keep);
    this.child.stderr?.on("data", keep);
    this.exited = new Promise((resolveExit) =>
      this.child.once("exit", () => {
        this.hasExited = true;
        resolveExit();
      }),
    );
  }

  get running(): boolean {
    return !this.hasExited;
  }

  describeExit(): string {
    return `${this.name} exited with code ${this.child.exitCode}:\n${this.output.trim()}`;
  }

  async stop(): Promise<void> {
    if (this.hasExited) return;
    this.child.kill(this.stopSignal);
    const forced = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await this.exited;
    clearTimeout(forced);
  }
}

function run(command: string, args: string[], identity?: Identity): void {
  const drop = identity ? ["--reuid", String(identity.uid), "--regid", String(identity.gid), "--clear-groups"] : [];
  try {
    execFileSync("setpriv", [...drop, "--", command, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: Buffer; stdout?: Buffer };
    throw new Error(`${command} ${args[0] ?? ""} failed:\n${`${stdout ?? ""}${stderr ?? ""}`.trim()}`);
  }
}

/**
 * Creates the cluster on first start: initdb and DocumentDB's settings, in a scratch folder renamed into place when
 * complete, so an interrupted first start leaves no half-made cluster behind.
 */
function initCluster(clusterDir: string, identity?: Identity): void {
  if (existsSync(join(clusterDir, "PG_VERSION"))) return;
  const partial = `${clusterDir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true, mode: 0o700 });
  if (identity) chownSync(partial, identity.uid, identity.gid);
  try {
    run("test", ["-w", partial], identity);
  } catch {
    throw new Error(
      `PostgreSQL runs as the unprivileged user "${CLUSTER_OWNER}" (it refuses root), who cannot reach ${partial}: ` +
        "every folder above it must be searchable by others (chmod o+x), or set FERRETDB_DATA_DIR to a folder that is.",
    );
  }
  run(join(POSTGRES_BIN, "initdb"), ["-D", partial, "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"], identity);
  appendFileSync(join(partial, "postgresql.conf"), SETTINGS);
  rmSync(clusterDir, { recursive: true, force: true });
  renameSync(partial, clusterDir);
}

/** A postgres left running by a process that could not stop it (a machine-level kill) still holds the cluster. */
async function stopLeftoverPostgres(clusterDir: string): Promise<void> {
  const pidFile = join(clusterDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!pid || !alive()) return;
  process.kill(pid, "SIGINT");
  for (let waited = 0; alive() && waited < 15_000; waited += 100) await sleep(100);
}

async function waitUntil(ready: () => Promise<boolean>, process: OwnedProcess, deadline: number): Promise<void> {
  while (!(await ready())) {
    if (!process.running) throw new Error(process.describeExit());
    if (Date.now() > deadline) throw new Error(`${process.name} did not answer in time`);
    await sleep(50);
  }
}

/**
 * Starts the embedded database: a project-local PostgreSQL cluster with the DocumentDB extension, and FerretDB in front
 * of it speaking MongoDB's wire protocol, both on free loopback ports, both child processes of this one.
 */
export async function startEmbeddedDatabase({
  ferretdbBinary,
  dataDir,
  durable = true,
  startTimeoutMs = 60_000,
}: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  checkInstalled(ferretdbBinary);
  const identity = clusterIdentity();
  const clusterDir = join(dataDir, "postgres");
  const stateDir = join(dataDir, "ferretdb");
  mkdirSync(stateDir, { recursive: true });
  await stopLeftoverPostgres(clusterDir);
  initCluster(clusterDir, identity);
  const deadline = Date.now() + startTimeoutMs;

  const postgresPort = await freeLoopbackPort();
  // SIGINT is PostgreSQL's fast shutdown: clients are disconnected, committed data is flushed.
  const postgres = new OwnedProcess(
    "PostgreSQL",
    join(POSTGRES_BIN, "postgres"),
    ["-D", clusterDir, "-p", String(postgresPort), ...DEADLOCK_SETTINGS, ...(durable ? [] : THROWAWAY_SETTINGS)],
    "SIGINT",
    identity,
  );
  const processes = [postgres];
  const stop = async () => {
    for (const owned of processes.reverse()) await owned.stop();
  };
  try {
    const psql = (sql: string) => run(join(POSTGRES_BIN, "psql"), ["-h", "127.0.0.1", "-p", String(postgresPort), "-U", SUPERUSER, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql]);
    await waitUntil(async () => {
      try {
        psql("SELECT 1");
        return true;
      } catch {
        return false;
      }
    }, postgres, deadline);
    // Every start, not only the first: a first start interrupted between initdb and here must not stay without it.
    psql("CREATE EXTENSION IF NOT EXISTS documentdb CASCADE");

    const ferretdbPort = await freeLoopbackPort();
    const ferretdb = new OwnedProcess(
      "FerretDB",
      ferretdbBinary,
      [
        `--postgresql-url=postgres://${SUPERUSER}@127.0.0.1:${postgresPort}/postgres`,
        `--listen-addr=127.0.0.1:${ferretdbPort}`,
        `--state-dir=${stateDir}`,
        "--no-auth",
        "--debug-addr=-",
        "--telemetry=disable",
        "--log-level=warn",
      ],
      "SIGTERM",
    );
    processes.push(ferretdb);
    await waitUntil(() => answers(ferretdbPort), ferretdb, deadline);
    return { uri: `mongodb://127.0.0.1:${ferretdbPort}/`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
