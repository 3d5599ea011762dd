import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { claimDueDeliveries, claimLaneHeads, markDeliveryProcessed, storeReceivedDelivery, type ReceivedDelivery } from "../../src/storage/deliveries.js";
import { DeliveryModel } from "../../src/storage/models/delivery.js";
import { together } from "../helpers/contention.js";
import { clearDatabase } from "../helpers/database.js";

/*
 * The inbox under contention, as GitHub and several processors (threads of one process, or replicas) produce it: a
 * delivery and its redeliveries arriving at once are stored once; processors claiming at once never take one entry
 * twice; a lane never has two entries running.
 */

const LEASE = { leaseMs: 60_000 };

function received(deliveryId: string, overrides: Partial<ReceivedDelivery> = {}): ReceivedDelivery {
  return { deliveryId, event: "label", action: "created", installationId: 7, repositoryId: null, body: "{}", lane: null, receivedAt: new Date(), ...overrides };
}

beforeEach(clearDatabase);

describe("the inbox under contention", () => {
  it("stores 8 copies of one delivery arriving at once exactly once", async () => {
    for (let round = 0; round < 10; round += 1) {
      const deliveryId = randomUUID();
      const stored = await together(8, () => storeReceivedDelivery(received(deliveryId)));
      expect(stored.filter(Boolean)).toHaveLength(1);
      expect(await DeliveryModel.countDocuments({ _id: deliveryId })).toBe(1);
    }
  });

  it("stores a burst of 40 deliveries, each arriving twice at once, each exactly once, and answers every copy", async () => {
    const ids = Array.from({ length: 40 }, () => randomUUID());
    const stored = await together(80, (racer) => storeReceivedDelivery(received(ids[racer % 40]!, { body: `{"copy":${racer}}` })));

    // Every delivery is stored by one of its two copies; the other is told it is a copy.
    ids.forEach((_, index) => expect([stored[index], stored[index + 40]].filter(Boolean)).toHaveLength(1));
    const entries = await DeliveryModel.find({ _id: { $in: ids } }, { _id: 1, state: 1, attempts: 1 }).lean();
    expect(entries.map(({ _id }) => _id).sort()).toEqual([...ids].sort());
    expect(entries.every(({ state, attempts }) => state === "received" && attempts === 0)).toBe(true);
  });

  it("gives every entry to exactly one of 8 processors claiming at once", async () => {
    const ids = Array.from({ length: 200 }, (_, index) => `delivery-${index}`);
    await DeliveryModel.insertMany(ids.map((id) => ({ _id: id, event: "label", receivedAt: new Date(), dueAt: new Date(), state: "received", body: "{}" })));

    const taken: string[] = [];
    await together(8, async () => {
      for (let batch = await claimDueDeliveries(10, LEASE); ; batch = await claimDueDeliveries(10, LEASE)) {
        if (batch.length === 0 && (await DeliveryModel.countDocuments({ state: "received" })) === 0) return;
        taken.push(...batch.map(({ _id }) => _id));
      }
    });

    expect(taken.sort()).toEqual([...ids].sort());
    expect(await DeliveryModel.countDocuments({ state: "processing", attempts: 1 })).toBe(200);
  });

  it("never runs two entries of a lane at once, whoever claims", async () => {
    const lane = "installation:7";
    const ids = Array.from({ length: 12 }, (_, index) => `lifecycle-${String(index).padStart(2, "0")}`);
    for (const [index, id] of ids.entries()) {
      await storeReceivedDelivery(received(id, { event: "installation", lane, receivedAt: new Date(Date.now() - 60_000 + index) }));
    }

    const order: string[] = [];
    let running = 0;
    let mostAtOnce = 0;
    await together(6, async () => {
      while (order.length < ids.length) {
        const [entry] = await claimLaneHeads(1, LEASE);
        if (!entry) continue;
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        order.push(entry._id);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
        await markDeliveryProcessed(entry);
      }
    });

    expect(mostAtOnce).toBe(1);
    expect(order).toEqual(ids);
  });
});
