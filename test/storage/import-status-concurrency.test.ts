import { beforeEach, describe, expect, it } from "vitest";
import { markDone, markImporting, markPending } from "../../src/storage/import-statuses.js";
import { ImportStatusModel } from "../../src/storage/models/import-status.js";
import { clearDatabase } from "../helpers/database.js";
import { together } from "../helpers/contention.js";

/*
 * Backfill requests (markPending) racing imports that start (markImporting), on the test database: every call
 * succeeds, each repository and service has one status, and an import that started stays importing. A find-then-
 * insert lets two callers insert the same status (one fails on the unique index); a database that applies an update
 * as read → modify → replace (FerretDB v1) lets a pending overwrite an importing that landed in between.
 */

const INSTALLATION_ID = 7;
const checkpoint = { phase: "recent" as const, cursor: null, runStartedAt: new Date() };

beforeEach(clearDatabase);

describe("import statuses under contention", () => {
  it("keeps one status per repository, and importing ones importing, while 8 backfill requests race 20 imports starting", async () => {
    for (let round = 0; round < 8; round += 1) {
      await clearDatabase();
      const importing = Array.from({ length: 20 }, (_, i) => i + 1);
      const fresh = Array.from({ length: 20 }, (_, i) => i + 101);
      await markPending(INSTALLATION_ID, importing, "pullRequests");
      await Promise.all(importing.map((repositoryId) => markDone(repositoryId, "pullRequests", new Date(), 0)));

      await Promise.all([
        together(8, () => markPending(INSTALLATION_ID, [...importing, ...fresh], "pullRequests")),
        // Each import starts a few times over (retries, lease takeovers), spreading its writes across the requests.
        ...importing.map((repositoryId) => together(4, () => markImporting(repositoryId, "pullRequests", { checkpoint, mode: "full", processed: 0 }))),
      ]);

      const statuses = await ImportStatusModel.find({}, { repositoryId: 1, state: 1 }).sort({ repositoryId: 1 }).lean();
      expect(statuses.map(({ repositoryId, state }) => [repositoryId, state])).toEqual([
        ...importing.map((repositoryId) => [repositoryId, "importing"]),
        ...fresh.map((repositoryId) => [repositoryId, "pending"]),
      ]);
    }
  });
});
