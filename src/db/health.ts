import mongoose, { mongo, type Connection } from "mongoose";
import type { Logger } from "pino";
import { redact } from "./redact.js";

export interface DatabaseHealth {
  state: "up" | "down";
  /** When it entered that state: an outage's start, or the end of the last one (or when this process started). */
  since: Date;
  /** Where the data lives, without credentials. */
  description?: string;
  /** Why it is down, without credentials. */
  error?: string;
}

export interface HealthTiming {
  /** How long a ping may take: a database that does not answer in time (stopped, wedged) is down. */
  pingTimeoutMs: number;
  /** How often the database is pinged during an outage, to tell its end. */
  probeIntervalMs: number;
}

const DEFAULT_HEALTH_TIMING: HealthTiming = { pingTimeoutMs: 2_000, probeIntervalMs: 2_000 };

/** MongoDB's codes for a server that is unreachable, shutting down or stepping down (the driver's retryable set). */
const UNAVAILABLE_CODES = new Set([6, 7, 89, 91, 189, 9001, 10107, 11600, 11602, 13435, 13436]);

/**
 * FerretDB answers InternalError (code 1) with PostgreSQL's words when PostgreSQL is down, restarting or recovering:
 * a connection it could not open, or one PostgreSQL ended (SQLSTATE classes 08 and 57P).
 */
const FERRETDB_INTERNAL_ERROR = 1;
const POSTGRES_UNREACHABLE = /failed to connect to|SQLSTATE (08|57P)|unexpected postmaster exit|the database system is|conn closed|unexpected EOF/i;

/**
 * Whether an error says the database could not be reached (down, restarting, wedged, or the network to it), as
 * opposed to a request it refused: the same request can succeed once it is back.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (
    // MongoNetworkError covers timeouts on a socket and pools cleared after a network error too.
    error instanceof mongo.MongoNetworkError ||
    error instanceof mongo.MongoServerSelectionError ||
    error instanceof mongo.MongoNotConnectedError ||
    error instanceof mongo.MongoOperationTimeoutError ||
    (error instanceof mongo.MongoDriverError && error.name === "MongoWaitQueueTimeoutError")
  ) {
    return true;
  }
  if (error instanceof mongo.MongoServerError) {
    const code = Number(error.code);
    return UNAVAILABLE_CODES.has(code) || (code === FERRETDB_INTERNAL_ERROR && POSTGRES_UNREACHABLE.test(error.message));
  }
  // Mongoose's own wait for a connection, when commands are buffered.
  if (error instanceof mongoose.MongooseError && /buffering timed out/.test(error.message)) return true;
  return error instanceof Error && error.cause !== undefined && isDatabaseUnavailable(error.cause);
}

function describe(error: unknown): string {
  return redact(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
}

/**
 * Whether one connection's database answers, with each outage told once when it begins and once when it ends (not
 * once per failed request). While watched, an outage pings the database until it answers, so its end is told even
 * when nothing else uses the database.
 */
export class DatabaseHealthMonitor {
  private health: DatabaseHealth = { state: "up", since: new Date() };
  private description?: string;
  /** Where the current outage was told, so that its end is told there too. */
  private outageLog?: Logger;
  private watchLog?: Logger;
  private probe?: NodeJS.Timeout;

  constructor(
    private readonly connection: Connection,
    private readonly timing: HealthTiming = DEFAULT_HEALTH_TIMING,
  ) {}

  /** Pings the database; answers within about the ping timeout however the database fails, stopped processes included. */
  async check(): Promise<DatabaseHealth> {
    try {
      const db = this.connection.db;
      if (!db) throw new mongo.MongoNotConnectedError("the database connection is not open");
      await db.admin().command({ ping: 1 }, { timeoutMS: this.timing.pingTimeoutMs });
      this.recovered();
    } catch (error) {
      this.lost(this.watchLog, describe(error), "health check");
    }
    return { ...this.health, description: this.description };
  }

  /**
   * For a caller whose database work failed: true when the database is unavailable (then the outage is logged, once)
   * and the work should be retried later; false for any other error, which the caller handles.
   */
  report(log: Logger, error: unknown, what: string): boolean {
    if (!isDatabaseUnavailable(error)) return false;
    this.lost(log, describe(error), what);
    return true;
  }

  /**
   * Listens to the connection: what it reports itself counts as an outage, and none of its events can throw (an
   * "error" event nobody listens to would). Returns the function that stops watching, to call before closing it.
   */
  watch(log: Logger, description: string): () => void {
    this.watchLog = log;
    this.description = description;
    const onError = (error: unknown) => {
      if (!this.report(log, error, "database connection")) log.error({ error: describe(error) }, "database connection error");
    };
    const onDisconnected = () => this.lost(log, "the connection to the database was lost", "database connection");
    const onReconnected = () => void this.check();
    const client = this.connection.getClient();
    this.connection.on("error", onError).on("disconnected", onDisconnected).on("reconnected", onReconnected);
    client.on("error", onError);
    return () => {
      this.connection.off("error", onError).off("disconnected", onDisconnected).off("reconnected", onReconnected);
      client.off("error", onError);
      this.watchLog = undefined;
      clearTimeout(this.probe);
    };
  }

  private lost(log: Logger | undefined, error: string, during: string): void {
    if (this.health.state === "down") {
      log?.debug({ during, error }, "database still unreachable");
      return;
    }
    this.health = { state: "down", since: new Date(), error };
    this.outageLog = log;
    log?.warn({ during, error }, "database unreachable; what failed is retried later");
    this.probeLater();
  }

  private recovered(): void {
    if (this.health.state === "up") return;
    const seconds = Math.round((Date.now() - this.health.since.getTime()) / 1000);
    this.outageLog?.info({ downSince: this.health.since }, `database reachable again after ${seconds} s`);
    this.health = { state: "up", since: new Date() };
  }

  private probeLater(): void {
    if (!this.watchLog) return;
    clearTimeout(this.probe);
    // check() never rejects; unref: an outage must not keep a stopping process alive.
    this.probe = setTimeout(() => void this.check().then(() => this.health.state === "down" && this.probeLater()), this.timing.probeIntervalMs);
    this.probe.unref();
  }
}

/** The app's database: mongoose's default connection, opened by connectDatabase. */
const appDatabase = new DatabaseHealthMonitor(mongoose.connection);

/** For `GET /health`: whether the app's database answers a ping, within about 2 s. */
export function databaseHealth(): Promise<DatabaseHealth> {
  return appDatabase.check();
}

/**
 * For work on the app's database that failed: true when the database is unavailable — the outage is logged once, and
 * the caller retries later — false for other errors, which the caller logs itself.
 */
export function reportDatabaseError(log: Logger, error: unknown, what: string): boolean {
  return appDatabase.report(log, error, what);
}

/** Watches the app's database connection (see DatabaseHealthMonitor.watch); connectDatabase calls it. */
export function watchDatabase(log: Logger, description: string): () => void {
  return appDatabase.watch(log, description);
}
