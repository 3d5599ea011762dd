import { randomUUID } from "node:crypto";
import mongoose from "mongoose";
import nock from "nock";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, expect, inject } from "vitest";
import { connectDatabase, type Database } from "../../src/db/connection.js";

// GitHub is never reachable from tests: anything not mocked fails loudly.
nock.disableNetConnect();

let database: Database;

beforeAll(async () => {
  database = await connectDatabase(
    { mongodbUri: inject("mongoUri"), embeddedDatabase: { ferretdbBinary: "", dataDir: "" } },
    pino({ level: "silent" }),
    `test_${randomUUID().slice(0, 8)}`,
  );
});

afterEach(() => {
  // Every mocked GitHub request must have been made: a mock left over means the code did not do what the test says.
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending, "unconsumed GitHub mocks").toEqual([]);
});

afterAll(async () => {
  await mongoose.connection.dropDatabase();
  await database.close();
});
