import { beforeAll, describe, expect, it } from "vitest";
import { DATA_KINDS, DATA_MODELS } from "../../src/storage/data-kinds.js";
import { readDataPage } from "../../src/storage/data-pages.js";
import { savePullRequests } from "../../src/storage/pull-requests.js";
import { pullRequest, range, storeEveryKind } from "../helpers/every-kind.js";
import { queriesSentBy, queryPlan } from "../helpers/query-plan.js";

// Enough records for the planner to prefer an index to reading everything: 10 installations of 150 of each kind.
const INSTALLATIONS = 10;
const PER_INSTALLATION = 150;

describe("the data API's queries are bounded index scans, with thousands of records stored", () => {
  beforeAll(async () => {
    for (const installation of range(INSTALLATIONS, 1)) await storeEveryKind(installation, PER_INSTALLATION, installation * 1000);
    // Every record sequenced: the first read of each kind hands out the positions.
    for (const installation of range(INSTALLATIONS, 1)) {
      for (const kind of DATA_KINDS) await readDataPage(installation, kind, 0, 1);
    }
  }, 180_000);

  it("a page is one range of positions within the installation, on {installationId, sequence}, never sorted by the database", async () => {
    for (const kind of DATA_KINDS) {
      const plan = await queryPlan({ find: DATA_MODELS[kind], filter: { installationId: 3, sequence: { $gt: 40, $lte: 140 } } });
      expect([kind, plan]).toEqual([kind, { indexes: ["installationId_1_sequence_1"], scansCollection: false, sorts: false }]);
    }
  });

  it("reading a page, and handing out positions to changed records first, sends index scans only", async () => {
    await savePullRequests(range(20, 3000).map((id) => pullRequest(id, 3, 1)));
    const plans = await Promise.all((await queriesSentBy(() => readDataPage(3, "pull-requests", 0, 100))).map(queryPlan));
    expect(plans.length).toBeGreaterThan(3);
    for (const plan of plans) {
      expect(plan).toMatchObject({ scansCollection: false, sorts: false });
      expect(plan.indexes.length).toBe(1);
    }
    // Those awaiting a position are found by the same index ({installationId, sequence: null}).
    expect(await queryPlan({ find: DATA_MODELS["pull-requests"], filter: { installationId: 3, sequence: null }, limit: 1000 })).toEqual({
      indexes: ["installationId_1_sequence_1"],
      scansCollection: false,
      sorts: false,
    });
  });
});
