import mongoose, { mongo } from "mongoose";
import { afterEach, describe, expect, inject, it } from "vitest";
import { DatabaseHealthMonitor, databaseHealth, isDatabaseUnavailable, reportDatabaseError } from "../../src/db/health.js";
import { capturingLogger, eventually, LEVEL, type LogLine } from "./support.js";

/** What FerretDB answers while PostgreSQL is down or restarting (as seen when killing it). */
function ferretdbError(message: string): mongo.MongoServerError {
  return new mongo.MongoServerError({ ok: 0, code: 1, codeName: "InternalError", errmsg: message });
}

async function serverSelectionError(): Promise<unknown> {
  // Nothing listens on port 1.
  const client = new mongo.MongoClient("mongodb://127.0.0.1:1/", { serverSelectionTimeoutMS: 100 });
  return client.connect().catch((error: unknown) => error);
}

const networkError = () => new mongo.MongoNetworkError("connect ECONNREFUSED 127.0.0.1:27017");

function messages(lines: LogLine[], level: number): string[] {
  return lines.filter((line) => line.level === level).map((line) => line.msg);
}

describe("isDatabaseUnavailable", () => {
  it("is true for errors that say the database could not be reached", async () => {
    const unavailable = [
      networkError(),
      new mongo.MongoNetworkTimeoutError("connection timed out"),
      await serverSelectionError(),
      new mongo.MongoNotConnectedError("not connected"),
      new mongo.MongoOperationTimeoutError("Timed out during socket read (2000ms)"),
      new mongo.MongoServerError({ ok: 0, code: 91, errmsg: "The server is in quiesce mode and will shut down" }),
      ferretdbError("terminating connection due to unexpected postmaster exit"),
      ferretdbError("msg_find.go:43 (handler.(*Handler).msgFind): failed to connect to `user=postgres database=postgres`: dial error"),
      ferretdbError("the database system is starting up"),
      ferretdbError("the database system is not yet accepting connections"),
      new mongoose.MongooseError("Operation `things.find()` buffering timed out after 10000ms"),
      new Error("the import failed", { cause: networkError() }),
    ];
    expect(await serverSelectionError()).toBeInstanceOf(mongo.MongoServerSelectionError);
    expect(unavailable.filter((error) => !isDatabaseUnavailable(error))).toEqual([]);
  });

  it("is false for requests the database refused, and for anything else", () => {
    const others = [
      new mongo.MongoServerError({ ok: 0, code: 11000, errmsg: "E11000 duplicate key error" }),
      ferretdbError("unexpected internal error"),
      new mongo.MongoInvalidArgumentError("bad argument"),
      new mongoose.Error.ValidationError(),
      new TypeError("undefined is not a function"),
      new Error("boom"),
      "a string",
      undefined,
    ];
    expect(others.filter((error) => isDatabaseUnavailable(error))).toEqual([]);
  });
});

describe("DatabaseHealthMonitor", () => {
  let unwatch: (() => void) | undefined;
  afterEach(() => unwatch?.());

  it("logs an outage once however many requests fail during it, and its end once", async () => {
    const { log, lines } = capturingLogger();
    const health = new DatabaseHealthMonitor(mongoose.connection);

    expect(health.report(log, networkError(), "storing a delivery")).toBe(true);
    expect(health.report(log, ferretdbError("the database system is starting up"), "claiming a job")).toBe(true);
    expect(health.report(log, networkError(), "storing a delivery")).toBe(true);
    expect(messages(lines, LEVEL.warn)).toEqual(["database unreachable; what failed is retried later"]);
    expect(lines.find((line) => line.level === LEVEL.warn)).toMatchObject({ during: "storing a delivery", error: expect.stringMatching(/ECONNREFUSED/) });
    expect(messages(lines, LEVEL.debug)).toHaveLength(2);
    expect(await health.check()).toMatchObject({ state: "up" });
    expect(await health.check()).toMatchObject({ state: "up" });
    expect(messages(lines, LEVEL.info)).toEqual([expect.stringMatching(/^database reachable again after \d+ s$/)]);

    health.report(log, networkError(), "storing a delivery");
    expect(messages(lines, LEVEL.warn), "a new outage is told again").toHaveLength(2);
  });

  it("leaves other errors to the caller, and logs nothing for them", () => {
    const { log, lines } = capturingLogger();
    const health = new DatabaseHealthMonitor(mongoose.connection);
    expect(health.report(log, new mongo.MongoServerError({ ok: 0, code: 11000, errmsg: "E11000" }), "storing a delivery")).toBe(false);
    expect(lines).toEqual([]);
  });

  it("logs no credentials", () => {
    const { log, lines } = capturingLogger();
    const health = new DatabaseHealthMonitor(mongoose.connection);
    health.report(log, new mongo.MongoNetworkError("could not reach mongodb://tributary:s3cret@db.example.com:27017/app"), "storing a delivery");
    expect(JSON.stringify(lines)).not.toContain("s3cret");
    expect(JSON.stringify(lines)).toContain("mongodb://***@db.example.com");
  });

  it("reports a connection that is not open as down, since when, and why", async () => {
    const health = new DatabaseHealthMonitor(mongoose.createConnection());
    const report = await health.check();
    expect(report).toMatchObject({ state: "down", since: expect.any(Date), error: expect.stringMatching(/not open/) });
  });

  it("while watching, tells the end of an outage by itself, and a connection error never throws", async () => {
    const { log, lines } = capturingLogger();
    const health = new DatabaseHealthMonitor(mongoose.connection, { pingTimeoutMs: 2_000, probeIntervalMs: 20 });
    unwatch = health.watch(log, "the test database");

    mongoose.connection.emit("error", networkError());
    expect(messages(lines, LEVEL.warn)).toEqual(["database unreachable; what failed is retried later"]);
    await eventually("the end of the outage told", async () => expect(messages(lines, LEVEL.info)).toHaveLength(1));
    expect(await health.check()).toMatchObject({ state: "up", description: "the test database" });

    mongoose.connection.emit("error", new Error("something else"));
    expect(messages(lines, LEVEL.error)).toEqual(["database connection error"]);
  });
});

describe("databaseHealth", () => {
  it("reports the app's database up, described without credentials", async () => {
    const report = await databaseHealth();
    expect(report).toMatchObject({ state: "up", since: expect.any(Date) });
    expect(report.description).toBe(inject("mongoUri").replace(/\/\/[^@/]*@/, "//***@"));
    expect(report.error).toBeUndefined();
  });

  it("is told of failed work through reportDatabaseError", async () => {
    const { log, lines } = capturingLogger();
    expect(reportDatabaseError(log, new Error("a bug"), "storing a delivery")).toBe(false);
    expect(reportDatabaseError(log, networkError(), "storing a delivery")).toBe(true);
    expect(await databaseHealth()).toMatchObject({ state: "up" });
    expect(messages(lines, LEVEL.warn)).toHaveLength(1);
    expect(messages(lines, LEVEL.info)).toHaveLength(1);
  });
});
