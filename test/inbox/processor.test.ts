import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { InvalidPayloadError } from "../../src/domain/required-fields.js";
import { describeDelivery } from "../../src/inbox/envelope.js";
import { DEFAULT_BURST, type BurstOptions } from "../../src/inbox/burst.js";
import { InboxProcessor, MAX_DELIVERY_ATTEMPTS } from "../../src/inbox/processor.js";
import { storeReceivedDelivery } from "../../src/storage/deliveries.js";
import { eventDispatcher } from "../../src/webhooks/event-dispatcher.js";
import { DeliveryModel } from "../../src/storage/models/delivery.js";
import { clearDatabase } from "../helpers/database.js";
import { eventually } from "../helpers/eventually.js";
import { exampleAction } from "../helpers/webhooks.js";

let processor: InboxProcessor | undefined;

type Handlers = ReturnType<typeof eventDispatcher>;

function processing(handlers: Handlers, concurrency = 8, burst?: BurstOptions) {
  processor = new InboxProcessor({ handlers, log: pino({ level: "silent" }), concurrency, pollMs: 20, retryDelay: () => 50, burst });
  processor.start();
  return processor;
}

/** Handlers as the app runs them, with none registered yet. */
function bareHandlers(): Handlers {
  return eventDispatcher(pino({ level: "silent" }));
}

async function receive(event: string, payload: object, receivedAt = new Date()): Promise<string> {
  const deliveryId = randomUUID();
  await storeReceivedDelivery({ ...describeDelivery(deliveryId, event, JSON.stringify(payload))!, receivedAt });
  return deliveryId;
}

const unfinished = () => DeliveryModel.countDocuments({ state: { $in: ["received", "processing", "retrying"] } });
const drained = async () => (await unfinished()) === 0;

beforeEach(clearDatabase);
afterEach(async () => {
  await processor?.stop();
  processor = undefined;
});

describe("the inbox processor", () => {
  it("runs the handlers of every stored delivery once, several at a time", async () => {
    const handlers = bareHandlers();
    const handled: string[] = [];
    let running = 0;
    let mostAtOnce = 0;
    handlers.on("label", async (context) => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      await sleep(10);
      handled.push(context.id);
      running -= 1;
    });
    const ids = [];
    for (let i = 0; i < 40; i += 1) ids.push(await receive("label", exampleAction("label", "created")));

    processing(handlers);
    await eventually("the inbox is drained", drained);

    expect(handled.sort()).toEqual(ids.sort());
    expect(mostAtOnce).toBeGreaterThan(1);
    expect(await DeliveryModel.countDocuments({ state: "processed", attempts: 1 })).toBe(40);
  });

  it("takes a delivery on arrival while it has a slot free, or during a burst while its body fits the held bytes, and processes it without a claim round", async () => {
    const handlers = bareHandlers();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // Released however the test ends: a handler left waiting would hold up the processor's stop.
    onTestFinished(() => release());
    const handled: string[] = [];
    handlers.on("label", async (context) => {
      await released;
      handled.push(context.id);
    });
    const labelBytes = JSON.stringify(exampleAction("label", "created")).length;
    const running = processing(handlers, 2, { ...DEFAULT_BURST, processing: 2, heldBytes: labelBytes });
    const arrive = async (event: string, payload: object) => {
      const delivery = { ...describeDelivery(randomUUID(), event, JSON.stringify(payload))!, receivedAt: new Date() };
      const received = { ...delivery, claim: running.claimOnArrival(delivery) };
      running.arrived(received, await storeReceivedDelivery(received));
      return received;
    };

    // Two fill the slots, one more is held for the burst's end; the fourth's body would pass the held bytes.
    const taken = [];
    for (let i = 0; i < 3; i += 1) taken.push(await arrive("label", exampleAction("label", "created")));
    const beyondCapacity = await arrive("label", exampleAction("label", "created"));
    const lifecycle = await arrive("installation", exampleAction("installation", "created"));

    expect(taken.map(({ claim }) => claim)).toEqual(taken.map(() => expect.objectContaining({ claimedBy: expect.any(String) })));
    expect(await DeliveryModel.find({ state: "processing" }, { claimedBy: 1 }).sort({ _id: 1 }).lean()).toEqual(
      taken.map(({ deliveryId, claim }) => ({ _id: deliveryId, claimedBy: claim!.claimedBy })).sort((a, b) => a._id.localeCompare(b._id)),
    );
    // Full: stored unclaimed, for a claim round once a slot frees; a lifecycle event always waits for its lane's turn.
    expect([beyondCapacity.claim, lifecycle.claim]).toEqual([null, null]);
    release();
    await eventually("the label deliveries are processed", async () => (await DeliveryModel.countDocuments({ event: "label", state: "processed" })) === 4);
    expect(handled.sort()).toEqual([...taken, beyondCapacity].map(({ deliveryId }) => deliveryId).sort());
    expect(await DeliveryModel.countDocuments({ event: "label", attempts: 1 })).toBe(4);
  });

  describe("while its intake stores a burst", () => {
    /** The intake's two calls around one delivery's insert, as src/inbox/intake.ts makes them; `stored` ends it. */
    function arriving(running: InboxProcessor) {
      const delivery = { ...describeDelivery(randomUUID(), "label", JSON.stringify(exampleAction("label", "created")))!, receivedAt: new Date() };
      const received = { ...delivery, claim: running.claimOnArrival(delivery) };
      return { deliveryId: delivery.deliveryId, stored: async () => running.arrived(received, await storeReceivedDelivery(received)) };
    }

    /** Counts the label handlers running; each lasts until `released`. */
    function countingHandler(handlers: Handlers, released: Promise<void>) {
      const counts = { running: 0, mostAtOnce: 0 };
      handlers.on("label", async () => {
        counts.running += 1;
        counts.mostAtOnce = Math.max(counts.mostAtOnce, counts.running);
        await released;
        counts.running -= 1;
      });
      return counts;
    }

    /** A processor with `burst`, whose label handlers last until `release` is called, and one delivery still being stored. */
    function burstGoingOn(burst: BurstOptions) {
      let release!: () => void;
      const handlers = bareHandlers();
      const counts = countingHandler(handlers, new Promise((resolve) => (release = resolve)));
      onTestFinished(() => release());
      const running = processing(handlers, 8, burst);
      return { counts, running, release, stillStoring: arriving(running) };
    }

    it("processes only a few deliveries at once until the intake is quiet, then the rest it took on arrival", async () => {
      const { counts, running, release, stillStoring } = burstGoingOn({ processing: 2, gapMs: 100, holdMs: 10_000, heldBytes: 0 });
      for (let i = 0; i < 5; i += 1) await arriving(running).stored();
      await sleep(300);

      // Taken on arrival, all of them (claimed, nothing left for a claim round), but two run while the burst lasts.
      expect(counts).toEqual({ running: 2, mostAtOnce: 2 });
      expect(await DeliveryModel.countDocuments({ event: "label", state: "processing" })).toBe(5);
      await stillStoring.stored();
      await eventually("all six run at once once the intake is quiet", async () => counts.running === 6);
      release();
      await eventually("all six are processed", async () => (await DeliveryModel.countDocuments({ event: "label", state: "processed", attempts: 1 })) === 6);
    });

    it("processes a stream that lasts longer than the hold alongside it, at full concurrency", async () => {
      const { counts, running, release, stillStoring } = burstGoingOn({ processing: 1, gapMs: 60_000, holdMs: 300, heldBytes: 0 });
      for (let i = 0; i < 3; i += 1) await arriving(running).stored();

      await eventually("the three stored run at once while the stream goes on", async () => counts.running === 3);
      release();
      await stillStoring.stored();
    });
  });

  it("retries a failing delivery until its handler succeeds", async () => {
    const handlers = bareHandlers();
    let calls = 0;
    handlers.on("label", async () => {
      calls += 1;
      if (calls < 3) throw new Error(`GitHub answered 502 (call ${calls})`);
    });
    const deliveryId = await receive("label", exampleAction("label", "created"));

    processing(handlers);
    const entry = await eventually("the delivery is processed", async () => (await DeliveryModel.findById(deliveryId).lean())?.state === "processed" && DeliveryModel.findById(deliveryId).lean());

    expect(entry).toMatchObject({ attempts: 3, lastError: null });
  });

  it("gives a delivery up as dead after its last attempt, with the error", async () => {
    const handlers = bareHandlers();
    handlers.on("label", async () => {
      throw new Error("the handler always fails");
    });
    const deliveryId = await receive("label", exampleAction("label", "created"));

    processing(handlers);
    await eventually("the delivery is dead", async () => (await DeliveryModel.findById(deliveryId).lean())?.state === "dead");

    expect(await DeliveryModel.findById(deliveryId).lean()).toMatchObject({
      attempts: MAX_DELIVERY_ATTEMPTS,
      lastError: expect.stringContaining("the handler always fails"),
    });
  });

  it("dead-letters an invalid payload at once, before any handler runs", async () => {
    const handlers = bareHandlers();
    let calls = 0;
    handlers.on("pull_request", async () => {
      calls += 1;
    });
    const { pull_request: _, ...withoutPullRequest } = exampleAction("pull_request", "opened");
    const deliveryId = await receive("pull_request", withoutPullRequest);

    processing(handlers);
    await eventually("the delivery is dead", async () => (await DeliveryModel.findById(deliveryId).lean())?.state === "dead");

    expect(calls).toBe(0);
    expect(await DeliveryModel.findById(deliveryId).lean()).toMatchObject({ attempts: 1, lastError: expect.stringMatching(/^invalid payload: .*pull_request/) });
  });

  it("dead-letters at once a delivery a handler finds unusable, without retrying", async () => {
    const handlers = bareHandlers();
    let calls = 0;
    handlers.on("label", async () => {
      calls += 1;
      throw new InvalidPayloadError("label.id", "must be integer");
    });
    const deliveryId = await receive("label", exampleAction("label", "created"));

    processing(handlers);
    await eventually("the delivery is dead", async () => (await DeliveryModel.findById(deliveryId).lean())?.state === "dead");

    expect(calls).toBe(1);
    expect(await DeliveryModel.findById(deliveryId).lean()).toMatchObject({ attempts: 1, lastError: expect.stringContaining("label.id must be integer") });
  });

  it("applies an installation's lifecycle events one at a time in the order received", async () => {
    const handlers = bareHandlers();
    const applied: string[] = [];
    let running = 0;
    let mostAtOnce = 0;
    handlers.on(["installation", "installation_repositories"], async (context) => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      await sleep(5);
      applied.push(context.id);
      running -= 1;
    });
    const created = exampleAction("installation", "created");
    const deleted = exampleAction("installation", "deleted");
    const added = exampleAction("installation_repositories", "added");
    const sameInstallation = { id: created.installation.id };
    const sequence = [created, added, deleted, created, added, deleted].map((payload) => ({ ...payload, installation: { ...payload.installation, ...sameInstallation } }));
    const base = Date.now() - 10_000;
    const ids: string[] = [];
    for (const [index, payload] of sequence.entries()) {
      ids.push(await receive("action" in payload && payload.action === "added" ? "installation_repositories" : "installation", payload, new Date(base + index)));
    }

    processing(handlers, 8);
    await eventually("the inbox is drained", drained);

    expect(mostAtOnce).toBe(1);
    expect(applied).toEqual(ids);
  });

  it("finishes the deliveries in flight when stopped", async () => {
    const handlers = bareHandlers();
    let finished = 0;
    handlers.on("label", async () => {
      await sleep(200);
      finished += 1;
    });
    await receive("label", exampleAction("label", "created"));
    const running = processing(handlers);
    await eventually("the delivery is being processed", async () => (await DeliveryModel.countDocuments({ state: "processing" })) === 1);

    await running.stop();
    processor = undefined;

    expect(finished).toBe(1);
    expect(await DeliveryModel.countDocuments({ state: "processed" })).toBe(1);
  });

  it("keeps the claim of a delivery that runs longer than the lease, so no other processor takes it over", async () => {
    const handlers = bareHandlers();
    let runs = 0;
    handlers.on("label", async () => {
      runs += 1;
      await sleep(3_000);
    });
    await receive("label", exampleAction("label", "created"));
    const leaseMs = 1_200;
    const first = new InboxProcessor({ handlers, log: pino({ level: "silent" }), pollMs: 20, leaseMs });
    first.start();
    await eventually("the delivery is being processed", async () => runs === 1);
    // A second processor polls all along: it would take the delivery over the moment its claim lapsed.
    const second = new InboxProcessor({ handlers, log: pino({ level: "silent" }), pollMs: 20, leaseMs });
    second.start();
    try {
      await eventually("the inbox is drained", drained);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
    expect(runs).toBe(1);
    expect(await DeliveryModel.countDocuments({ state: "processed", attempts: 1 })).toBe(1);
  });
});
