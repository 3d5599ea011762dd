import { beforeEach, describe, expect, it } from "vitest";
import type { InstallationSnapshot } from "../../src/domain/installation.js";
import { recordInstallationSnapshot } from "../../src/storage/integrations.js";
import { IntegrationModel } from "../../src/storage/models/integration.js";
import { together } from "../helpers/contention.js";
import { clearDatabase } from "../helpers/database.js";
import { organizationInstalled } from "../helpers/installation.js";

/*
 * Installation events (and reconciliation) all refresh an integration from GitHub's snapshot of the installation,
 * dated by its `updated_at`. When several meet on an installation not stored yet, one integration must come out of
 * it, holding the newest snapshot: an upsert that inserts is not atomic on DocumentDB, and a racer could leave an
 * older snapshot standing.
 */

const INSTALLATION_ID = 4242;
const ROUNDS = 10;
const WRITERS = 8;

function snapshotAt(minute: number): InstallationSnapshot {
  const { installation } = organizationInstalled(INSTALLATION_ID, "acme", []);
  installation.updated_at = new Date(Date.UTC(2026, 10, 1, 12, minute)).toISOString();
  installation.repository_selection = minute % 2 === 0 ? "all" : "selected";
  // The examples' types predate fields Probot's own payload types have since gained; the payload is the same.
  return installation as unknown as InstallationSnapshot;
}

beforeEach(clearDatabase);

describe("installation snapshots under contention", () => {
  it(`create one integration holding the newest of ${WRITERS} snapshots written at once, every round`, async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      await IntegrationModel.deleteMany({});
      // Minutes 0 … WRITERS - 1 in a different order each round (an odd step visits each once, WRITERS being 8).
      const step = 2 * (round % 4) + 1;
      const minutes = Array.from({ length: WRITERS }, (_, i) => (i * step + round) % WRITERS);
      await together(WRITERS, (writer) => recordInstallationSnapshot(snapshotAt(minutes[writer]!)));

      const stored = await IntegrationModel.find({ installationId: INSTALLATION_ID }).lean();
      expect(stored, `round ${round}`).toHaveLength(1);
      expect(stored[0]!.snapshotAt, `round ${round}`).toEqual(new Date(Date.UTC(2026, 10, 1, 12, WRITERS - 1)));
      expect(stored[0]!.repositorySelection, `round ${round}`).toBe(snapshotAt(WRITERS - 1).repository_selection);
    }
  });
});
