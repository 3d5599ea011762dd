import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One embedded database and one redis-server for the run; every test file gets a database of its own.
    globalSetup: ["test/setup/database.ts", "test/setup/redis.ts"],
    setupFiles: ["test/setup/each-file.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
