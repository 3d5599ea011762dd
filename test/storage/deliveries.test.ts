import { beforeEach, describe, expect, it } from "vitest";
import {
  claimDelivery,
  DELIVERY_CLAIM_MS,
  DELIVERY_RETENTION_MS,
  listRecentDeliveries,
  markDeliveryProcessed,
  pruneDeliveries,
  releaseDelivery,
} from "../../src/storage/deliveries.js";
import { DeliveryModel } from "../../src/storage/models/delivery.js";
import { clearDatabase } from "../helpers/database.js";

const delivery = (deliveryId: string) => ({ deliveryId, event: "pull_request", action: "opened", installationId: 7 });
const ago = (ms: number) => new Date(Date.now() - ms);

describe("the delivery ledger", () => {
  beforeEach(clearDatabase);

  it("lets one claim a new delivery, and nobody while it is claimed or once it is processed", async () => {
    expect(await claimDelivery(delivery("d-1"))).toMatchObject({ deliveryId: "d-1" });
    expect(await claimDelivery(delivery("d-1"))).toBeNull();

    await markDeliveryProcessed(delivery("d-1"));

    expect(await claimDelivery(delivery("d-1"))).toBeNull();
    expect(await DeliveryModel.countDocuments()).toBe(1);
  });

  it("lets a redelivery claim a delivery whose claim was given up or lapsed (its process died)", async () => {
    const released = await claimDelivery(delivery("failed"));
    await releaseDelivery(released!);
    await claimDelivery(delivery("abandoned"), ago(DELIVERY_CLAIM_MS + 1_000));

    expect(await claimDelivery(delivery("failed"))).not.toBeNull();
    expect(await claimDelivery(delivery("abandoned"))).not.toBeNull();
  });

  it("lists only processed deliveries, newest first", async () => {
    await markDeliveryProcessed(delivery("first"));
    await markDeliveryProcessed(delivery("second"));
    await claimDelivery(delivery("in-progress"));

    expect((await listRecentDeliveries(7)).map((stored) => stored._id)).toEqual(["second", "first"]);
  });

  it("lists the newest deliveries however far back within the retention they lie", async () => {
    const hoursAgo = [0.5, 2, 30, 100];
    for (const [index, hours] of hoursAgo.entries()) {
      await markDeliveryProcessed(delivery(`d${index}`));
      await DeliveryModel.updateOne({ _id: `d${index}` }, { processedAt: ago(hours * 3_600_000) });
    }

    expect((await listRecentDeliveries(7, 1)).map((stored) => stored._id)).toEqual(["d0"]);
    expect((await listRecentDeliveries(7, 3)).map((stored) => stored._id)).toEqual(["d0", "d1", "d2"]);
    expect((await listRecentDeliveries(7, 10)).map((stored) => stored._id)).toEqual(["d0", "d1", "d2", "d3"]);
  });

  it("forgets deliveries processed or abandoned before the retention, and keeps the recent ones", async () => {
    const longAgo = DELIVERY_RETENTION_MS + DELIVERY_CLAIM_MS + 60_000;
    await markDeliveryProcessed(delivery("old"));
    await DeliveryModel.updateOne({ _id: "old" }, { processedAt: ago(longAgo) });
    await claimDelivery(delivery("old-abandoned"), ago(longAgo));
    await markDeliveryProcessed(delivery("recent"));
    await claimDelivery(delivery("recent-abandoned"), ago(DELIVERY_CLAIM_MS + 1_000));

    expect(await pruneDeliveries()).toBe(2);
    expect((await DeliveryModel.find({}, { _id: 1 }).sort({ _id: 1 }).lean()).map((stored) => stored._id)).toEqual(["recent", "recent-abandoned"]);
  });
});
