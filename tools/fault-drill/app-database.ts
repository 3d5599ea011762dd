import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import mongoose, { type Connection, type mongo } from "mongoose";
import { DEFAULT_DATABASE } from "../../src/db/connection.js";
import {
  CommitModel,
  PullRequestModel,
  RepositoryModel,
  ReviewModel,
  TicketModel,
} from "../../src/storage/models/index.js";
import { DeliveryModel } from "../../src/storage/models/delivery.js";
import { JobModel } from "../../src/storage/models/job.js";
import { commandLine, isAlive, processIds } from "../process-table.js";

/** The collections the drill reads, by the app's own models' names. */
export const COLLECTIONS = {
  deliveries: DeliveryModel.collection.collectionName,
  jobs: JobModel.collection.collectionName,
  pullRequests: PullRequestModel.collection.collectionName,
  tickets: TicketModel.collection.collectionName,
  reviews: ReviewModel.collection.collectionName,
  commits: CommitModel.collection.collectionName,
  repositories: RepositoryModel.collection.collectionName,
} as const;

export type CollectionName = keyof typeof COLLECTIONS;

/** Reads the app's collections (by the drill's names for them): what the truth and the convergence need of a database. */
export interface DatabaseReader {
  read<T>(read: (collection: (name: CollectionName) => mongo.Collection) => Promise<T>, timeoutMs?: number): Promise<T>;
}

/** A database this process is connected to already, e.g. one that app processes share with it. */
export function connectionReader(connection: Connection): DatabaseReader {
  return {
    async read(read) {
      const db = connection.db;
      if (!db) throw new Error("not connected");
      return read((name) => db.collection(COLLECTIONS[name]));
    },
  };
}

/**
 * The MongoDB URI of the FerretDB an app started for its embedded database in `dataDir`: FerretDB listens on a free
 * port the app chose, named on its command line (`--listen-addr`) beside its state folder. Null while none runs.
 */
export function embeddedDatabaseUri(dataDir: string): string | null {
  const stateDir = `--state-dir=${join(resolve(dataDir), "ferretdb")}`;
  for (const pid of processIds()) {
    const args = commandLine(pid);
    if (!args.includes(stateDir)) continue;
    const listen = args.find((arg) => arg.startsWith("--listen-addr="))?.slice("--listen-addr=".length);
    if (listen && isAlive(Number(pid))) return `mongodb://${listen}/`;
  }
  return null;
}

/** The pid of the cluster's postmaster (first line of `postmaster.pid`), when one runs. */
export function postmasterPid(dataDir: string): number | null {
  const file = join(resolve(dataDir), "postgres", "postmaster.pid");
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, "utf8").split("\n")[0]);
  return pid > 0 && isAlive(pid) ? pid : null;
}

/**
 * A read-only view of the database an app process keeps in its own embedded database, through that database's
 * FerretDB. The app's database restarts with the app (new ports), so the connection follows: every read finds the
 * current FerretDB, and a read that fails (the database is down or restarting) is tried again until the deadline.
 */
export class AppDatabase implements DatabaseReader {
  private connection: Connection | undefined;
  private uri: string | undefined;

  constructor(private readonly dataDir: string) {}

  private async connect(): Promise<Connection> {
    const uri = embeddedDatabaseUri(this.dataDir);
    if (!uri) throw new Error(`no FerretDB serves ${this.dataDir}`);
    if (this.connection && this.uri === uri) return this.connection;
    await this.disconnect();
    this.uri = uri;
    this.connection = await mongoose
      .createConnection(uri, { dbName: DEFAULT_DATABASE, serverSelectionTimeoutMS: 3_000, connectTimeoutMS: 3_000, socketTimeoutMS: 15_000, bufferCommands: false })
      .asPromise();
    return this.connection;
  }

  /** Runs `read` on the app's collections, trying again (up to `timeoutMs`) while the database does not answer. */
  async read<T>(read: (collection: (name: CollectionName) => mongo.Collection) => Promise<T>, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const connection = await this.connect();
        const db = connection.db;
        if (!db) throw new Error("not connected");
        return await read((name) => db.collection(COLLECTIONS[name]));
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`The app's database did not answer in ${Math.round(timeoutMs / 1000)} s: ${(error as Error).message}`);
        // A connection to a FerretDB that is gone is dropped; the next attempt finds the current one.
        if (embeddedDatabaseUri(this.dataDir) !== this.uri) await this.disconnect();
        await sleep(250);
      }
    }
  }

  async disconnect(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    this.uri = undefined;
    await connection?.close(true).catch(() => undefined);
  }
}
