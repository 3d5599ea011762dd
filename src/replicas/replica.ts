import { randomUUID } from "node:crypto";
import { hostname } from "node:os";

/** This process among the replicas sharing the database, as it signs what it holds (host, pid and a random part). */
export const thisReplica = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
