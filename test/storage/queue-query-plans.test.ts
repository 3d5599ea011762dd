import { beforeAll, describe, expect, it } from "vitest";
import { claimDelivery, deliveriesSince, markDeliveryProcessed, storeReceivedDelivery } from "../../src/storage/deliveries.js";
import { claimFilters, enqueueJobs, liveRunningFilter } from "../../src/storage/jobs.js";
import { DeliveryModel } from "../../src/storage/models/delivery.js";
import { JOB_PRIORITIES, JobModel } from "../../src/storage/models/job.js";
import { queryPlan } from "../helpers/query-plan.js";

/*
 * The queue is read on every claim, by every worker, every second while idle, and the delivery ledger on every
 * webhook: each must be an index scan that neither reads the whole collection nor sorts it, however many jobs wait
 * (a large install queues thousands; finished ones stay a week) or deliveries were handled this week.
 */

beforeAll(async () => {
  const requests = Array.from({ length: 3_000 }, (_, i) => ({
    name: "work",
    key: `work:${i}`,
    installationId: i % 10,
    priority: JOB_PRIORITIES[i % JOB_PRIORITIES.length],
  }));
  await enqueueJobs(requests);
  await JobModel.updateMany({ installationId: { $lt: 5 } }, { $set: { state: "done" } });
  await JobModel.updateMany({ installationId: 5 }, { $set: { state: "running", lockedUntil: new Date() } });
  for (let i = 0; i < 500; i += 1) {
    const deliveryId = `delivery-${i}`;
    const lane = i % 50 === 0 ? `installation:${i % 10}` : null;
    await storeReceivedDelivery({ deliveryId, event: "pull_request", action: "opened", installationId: i % 10, repositoryId: i, body: "{}", lane, receivedAt: new Date() });
    if (i % 5 !== 0) await markDeliveryProcessed((await claimDelivery(deliveryId, { leaseMs: 60_000 }))!);
  }
});

describe("the job queue's query plans", () => {
  it.each([
    ["with every installation eligible", []],
    ["with busy installations left out", [6, 7]],
  ])("claims through an index and sorts nothing, %s", async (_, excludeInstallations) => {
    const [abandoned, ...due] = claimFilters(new Date(), excludeInstallations);
    // Running jobs are a few per worker: any index that finds them by state will do.
    const takeover = await queryPlan({ find: JobModel, filter: abandoned!, limit: 1 });
    expect(takeover).toMatchObject({ scansCollection: false, sorts: false });
    expect(takeover.indexes).not.toEqual([]);
    // Queued jobs are thousands: found by state, priority and due time together.
    for (const filter of due) {
      expect(await queryPlan({ find: JobModel, filter, limit: 1 }), JSON.stringify(filter)).toEqual({
        indexes: ["state_1_priority_1_runAt_1"],
        scansCollection: false,
        sorts: false,
      });
    }
  });

  it("reads the running jobs alone to keep installations at their limit across replicas, on every claim", async () => {
    // Which installations are busy: all running jobs, by state.
    const busy = await queryPlan({ find: JobModel, filter: liveRunningFilter(new Date()), projection: { _id: 0, installationId: 1 } });
    expect(busy).toMatchObject({ scansCollection: false, sorts: false });
    expect(busy.indexes).not.toEqual([]);
    // How many of the claimed job's installation run: by installation and state.
    expect(await queryPlan({ count: JobModel, query: liveRunningFilter(new Date(), 5) })).toEqual({
      indexes: ["installationId_1_state_1"],
      scansCollection: false,
      sorts: false,
    });
  });
});

describe("the inbox's query plans", () => {
  it("finds due entries through the lane and due-time index, laned or not", async () => {
    const due = { state: { $in: ["received", "processing", "retrying"] }, dueAt: { $lte: new Date() } };
    expect(await queryPlan({ find: DeliveryModel, filter: { ...due, lane: null }, limit: 40 })).toEqual({
      indexes: ["lane_1_dueAt_1"],
      scansCollection: false,
      sorts: false,
    });
    // Lanes hold installation lifecycle events only: found without reading the other deliveries.
    const lanes = await queryPlan({ find: DeliveryModel, filter: { lane: { $gt: "" }, dueAt: due.dueAt }, limit: 40 });
    expect(lanes).toMatchObject({ scansCollection: false, sorts: false });
    expect(lanes.indexes).toEqual(["lane_1_dueAt_1"]);
  });

  it("lists an installation's recent deliveries through an index", async () => {
    const recent = deliveriesSince(3, new Date(Date.now() - 3_600_000), 50);
    const plan = await queryPlan({ find: DeliveryModel, filter: recent.getFilter(), sort: recent.getOptions().sort, limit: 50 });
    expect(plan.scansCollection).toBe(false);
    expect(plan.indexes).toEqual(["installationId_1_receivedAt_-1"]);
  });
});
