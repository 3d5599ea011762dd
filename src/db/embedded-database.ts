import { execFile, execFileSync } from "node:child_process";
import { appendFileSync, chownSync, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import { EMBEDDED_DATABASE } from "../config.js";
import { OwnedProcess, switchTo, type Identity } from "./owned-process.js";
import { RESTART_BACKOFF, Supervisor, type ProcessRecipe } from "./supervisor.js";
import { freeLoopbackPort } from "./loopback-port.js";

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
  /** How long a start, or a restart, may take to serve. */
  startTimeoutMs?: number;
  /** Where exits and restarts of PostgreSQL and FerretDB are told. */
  log?: Logger;
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
/**
 * Documents over 2 kB (a webhook's body in the inbox, a busy week of report entries) are compressed as they are
 * written; lz4 costs the database about a quarter of the CPU of PostgreSQL's default (pglz) for such an insert, which
 * a burst of deliveries felt. Set on every start: it applies to values written from then on.
 */
const COMPRESSION_SETTINGS = ["-c", "default_toast_compression=lz4"];
/**
 * Indexes are built with DocumentDB's composite-term operator class: one term per document for a compound key, where
 * the default writes a term per field. A webhook's inbox insert and the mark that it was processed cost the database
 * about 40 % less CPU this way (3,000 entries of 17 kB, with the inbox's two compound indexes). It applies to indexes
 * created from then on: a cluster's existing indexes keep their class.
 */
const INDEX_SETTINGS = ["-c", "documentdb.defaultUseCompositeOpClass=on"];
const THROWAWAY_SETTINGS = ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"];

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

function run(command: string, args: string[], identity?: Identity): void {
  try {
    execFileSync("setpriv", [...switchTo(identity), "--", command, ...args], { stdio: ["ignore", "pipe", "pipe"] });
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

/**
 * A postmaster works in its cluster's folder: a process that does not is not one, though it may have the pid of one that
 * died (pids are reused).
 */
function runsIn(pid: number, dir: string): boolean {
  try {
    return realpathSync(`/proc/${pid}/cwd`) === realpathSync(dir);
  } catch {
    return false;
  }
}

/**
 * A postgres left running by a process that could not stop it (a machine-level kill) still holds the cluster: stop it.
 * A postmaster.pid naming any other process is left to PostgreSQL, whose own checks of it (that process, and the
 * shared memory orphaned backends may still hold) make a start fail until it is safe; the supervisor retries.
 */
async function stopLeftoverPostgres(clusterDir: string): Promise<void> {
  const pidFile = join(clusterDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!pid || !runsIn(pid, clusterDir)) return;
  process.kill(pid, "SIGINT");
  for (let waited = 0; runsIn(pid, clusterDir) && waited < 15_000; waited += 100) await sleep(100);
}

function postgresAnswers(port: number): Promise<boolean> {
  return new Promise((resolveAnswer) =>
    execFile(join(POSTGRES_BIN, "pg_isready"), ["-q", "-h", "127.0.0.1", "-p", String(port), "-U", SUPERUSER, "-d", "postgres"], (error) =>
      resolveAnswer(!error),
    ),
  );
}

async function waitUntil(ready: () => Promise<boolean>, process: OwnedProcess, deadline: number): Promise<void> {
  while (!(await ready())) {
    if (!process.running) throw new Error(process.describeExit());
    if (Date.now() > deadline) throw new Error(`${process.name} did not answer in time`);
    await sleep(50);
  }
}

interface Cluster {
  dir: string;
  port: number;
  durable: boolean;
  identity?: Identity;
}

function postgresRecipe({ dir, port, durable, identity }: Cluster): ProcessRecipe {
  return {
    prepare: () => stopLeftoverPostgres(dir),
    // SIGINT is PostgreSQL's fast shutdown: clients are disconnected, committed data is flushed.
    spawn: () =>
      new OwnedProcess(
        "PostgreSQL",
        join(POSTGRES_BIN, "postgres"),
        ["-D", dir, "-p", String(port), ...DEADLOCK_SETTINGS, ...COMPRESSION_SETTINGS, ...INDEX_SETTINGS, ...(durable ? [] : THROWAWAY_SETTINGS)],
        "SIGINT",
        identity,
      ),
    ready: (postgres, deadline) => waitUntil(() => postgresAnswers(port), postgres, deadline),
  };
}

/** FerretDB holds no data of its own: a restarted one serves the same cluster on the same port. */
function ferretdbRecipe(binary: string, stateDir: string, postgresPort: number, port: number): ProcessRecipe {
  return {
    spawn: () =>
      new OwnedProcess(
        "FerretDB",
        binary,
        [
          `--postgresql-url=postgres://${SUPERUSER}@127.0.0.1:${postgresPort}/postgres`,
          `--listen-addr=127.0.0.1:${port}`,
          `--state-dir=${stateDir}`,
          "--no-auth",
          "--debug-addr=-",
          "--telemetry=disable",
          "--log-level=warn",
        ],
        "SIGTERM",
      ),
    ready: (ferretdb, deadline) => waitUntil(() => answers(port), ferretdb, deadline),
  };
}

/**
 * Starts the embedded database: a project-local PostgreSQL cluster with the DocumentDB extension, and FerretDB in front
 * of it speaking MongoDB's wire protocol, both on free loopback ports, both child processes of this one. Either is
 * restarted on its port when it exits, until stop(): FerretDB reconnects to a restarted PostgreSQL by itself.
 */
export async function startEmbeddedDatabase({
  ferretdbBinary,
  dataDir,
  durable = true,
  startTimeoutMs = 60_000,
  log,
}: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  checkInstalled(ferretdbBinary);
  const identity = clusterIdentity();
  const cluster: Cluster = { dir: join(dataDir, "postgres"), port: await freeLoopbackPort(), durable, identity };
  const stateDir = join(dataDir, "ferretdb");
  mkdirSync(stateDir, { recursive: true });
  initCluster(cluster.dir, identity);
  const deadline = Date.now() + startTimeoutMs;
  const restartPolicy = { ...RESTART_BACKOFF, startTimeoutMs };

  const supervisors: Supervisor[] = [];
  const stop = async () => {
    // Both released first: PostgreSQL must not be restarted while FerretDB stops.
    for (const supervisor of supervisors) supervisor.release();
    // FerretDB first: it is PostgreSQL's client.
    for (const supervisor of [...supervisors].reverse()) await supervisor.stop();
  };
  try {
    supervisors.push(await Supervisor.start(postgresRecipe(cluster), restartPolicy, log, deadline));
    // Every start, not only the first: a first start interrupted between initdb and here must not stay without it.
    run(join(POSTGRES_BIN, "psql"), ["-h", "127.0.0.1", "-p", String(cluster.port), "-U", SUPERUSER, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", "CREATE EXTENSION IF NOT EXISTS documentdb CASCADE"]);

    const ferretdbPort = await freeLoopbackPort();
    supervisors.push(await Supervisor.start(ferretdbRecipe(ferretdbBinary, stateDir, cluster.port, ferretdbPort), restartPolicy, log, deadline));
    return { uri: `mongodb://127.0.0.1:${ferretdbPort}/`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
