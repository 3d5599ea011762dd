import mongoose from "mongoose";

/** Empties every collection of this test file's database, for tests that need a clean slate. */
export async function clearDatabase(): Promise<void> {
  await Promise.all(Object.values(mongoose.connection.models).map((model) => model.deleteMany({})));
}
