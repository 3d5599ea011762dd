import { beforeEach, describe, expect, it } from "vitest";
import { DELIVERY_RETENTION_MS, isDeliveryProcessed, markDeliveryProcessed, pruneDeliveries } from "../../src/storage/deliveries.js";
import { DeliveryModel } from "../../src/storage/models/delivery.js";
import { clearDatabase } from "../helpers/database.js";

const delivery = (deliveryId: string) => ({ deliveryId, event: "pull_request", action: "opened", installationId: 7 });

describe("the delivery ledger", () => {
  beforeEach(clearDatabase);

  it("knows a delivery once it is marked, and takes the same mark twice (a redelivery racing the original)", async () => {
    expect(await isDeliveryProcessed("d-1")).toBe(false);
    await markDeliveryProcessed(delivery("d-1"));
    await markDeliveryProcessed(delivery("d-1"));
    expect(await isDeliveryProcessed("d-1")).toBe(true);
    expect(await DeliveryModel.countDocuments()).toBe(1);
  });

  it("forgets deliveries past the retention and keeps the recent ones", async () => {
    await markDeliveryProcessed(delivery("old"));
    await markDeliveryProcessed(delivery("recent"));
    await DeliveryModel.updateOne({ _id: "old" }, { processedAt: new Date(Date.now() - DELIVERY_RETENTION_MS - 60_000) });

    expect(await pruneDeliveries()).toBe(1);
    expect(await isDeliveryProcessed("old")).toBe(false);
    expect(await isDeliveryProcessed("recent")).toBe(true);
  });
});
