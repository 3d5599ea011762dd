import mongoose from "mongoose";
import { describe, expect, it } from "vitest";
import { statementErrors } from "../../src/storage/mongo-errors.js";

/** What the database answers `write` with (it must fail). */
async function failureOf(write: () => Promise<unknown>): Promise<unknown> {
  try {
    await write();
  } catch (error) {
    return error;
  }
  throw new Error("the write succeeded");
}

describe("bulk write failures, as the database reports them", () => {
  it("are a whole-command failure, not 'every statement succeeded', when the server refuses the command outright", async () => {
    // The driver reports this (as it does a PostgreSQL gone away under FerretDB) as a bulk write error with no statement errors.
    const refused = await failureOf(() => mongoose.connection.db!.collection("bad$name").insertMany([{ a: 1 }, { a: 2 }], { ordered: false }));
    expect(refused).toBeInstanceOf(mongoose.mongo.MongoBulkWriteError);
    expect(statementErrors(refused)).toBeNull();
  });

  it("name the statements that failed when others may have been applied", async () => {
    const collection = mongoose.connection.db!.collection("statement_errors");
    await collection.deleteMany({});
    await collection.insertOne({ _id: "taken" } as never);
    const failed = await failureOf(() => collection.insertMany([{ _id: "new" }, { _id: "taken" }] as never[], { ordered: false }));
    expect(statementErrors(failed)?.map(({ index, code }) => ({ index, code }))).toEqual([{ index: 1, code: 11000 }]);
    expect(await collection.countDocuments({ _id: "new" } as never)).toBe(1);
  });

  it("are not statement errors when the write is not a bulk write", async () => {
    expect(statementErrors(new Error("connection reset"))).toBeNull();
  });
});
