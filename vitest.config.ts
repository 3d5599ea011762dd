import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One embedded database for the run; every test file gets a database of its own.
    globalSetup: ["test/setup/database.ts"],
    setupFiles: ["test/setup/each-file.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
