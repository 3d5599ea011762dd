import { randomUUID } from "node:crypto";
import type { EmitterWebhookEvent } from "@octokit/webhooks";
import { pino } from "pino";
import { Probot } from "probot";
import { beforeEach, describe, expect, it } from "vitest";
import { claimDelivery, DELIVERY_CLAIM_MS } from "../../src/storage/deliveries.js";
import { DeliveryModel } from "../../src/storage/models/delivery.js";
import { onEachDelivery } from "../../src/webhooks/idempotent.js";
import { clearDatabase } from "../helpers/database.js";
import { together } from "../helpers/contention.js";
import { TEST_APP_ID, TEST_PRIVATE_KEY } from "../helpers/probot.js";

/*
 * Redeliveries of one X-GitHub-Delivery arriving at once, through the app's own `onEachDelivery`: the handler must
 * run exactly once. A check-then-insert ledger lets every racer through; a database that applies a conditional
 * update as read → modify → replace (FerretDB v1) lets several racers take over one lapsed claim.
 */

const payload = { action: "created", installation: { id: 7 } };

/** A Probot whose only subscriber counts the runs of a handler that fails while `failing` is set. */
function countingApp() {
  const probot = new Probot({ appId: TEST_APP_ID, privateKey: TEST_PRIVATE_KEY, log: pino({ level: "silent" }) });
  const runs = { count: 0, failing: false };
  onEachDelivery(probot, "label", async () => {
    runs.count += 1;
    if (runs.failing) throw new Error("handler failed");
  });
  const receive = (id: string) => probot.receive({ id, name: "label", payload } as unknown as EmitterWebhookEvent);
  return { runs, receive };
}

beforeEach(clearDatabase);

describe("the delivery ledger under contention", () => {
  it("runs the handler once for 8 redeliveries of one delivery arriving at once", async () => {
    for (let round = 0; round < 10; round += 1) {
      const { runs, receive } = countingApp();
      const deliveryId = randomUUID();

      await together(8, () => receive(deliveryId));

      expect(runs.count).toBe(1);
      expect(await DeliveryModel.findById(deliveryId).lean()).toMatchObject({ state: "processed" });
    }
  });

  it("runs the handler once when 8 redeliveries at once find the claim of a process that died", async () => {
    for (let round = 0; round < 10; round += 1) {
      const { runs, receive } = countingApp();
      const deliveryId = randomUUID();
      await claimDelivery({ deliveryId, event: "label", action: "created", installationId: 7 }, new Date(Date.now() - DELIVERY_CLAIM_MS - 1_000));

      await together(8, () => receive(deliveryId));

      expect(runs.count).toBe(1);
    }
  });

  it("runs a failed handler again on a later redelivery, and then never again", async () => {
    const { runs, receive } = countingApp();
    const deliveryId = randomUUID();
    runs.failing = true;
    await expect(receive(deliveryId)).rejects.toThrow();

    runs.failing = false;
    await together(8, () => receive(deliveryId));
    await receive(deliveryId);

    expect(runs.count).toBe(2);
  });
});
