import { beforeEach, describe, expect, it } from "vitest";
import {
  claimDelivery,
  claimDueDeliveries,
  claimLaneHeads,
  DELIVERY_RETENTION_MS,
  deliveryBody,
  listRecentDeliveries,
  markDeliveryFailed,
  markDeliveryProcessed,
  pruneDeliveries,
  retryDeadDelivery,
  storeReceivedDelivery,
  arrivedEntry,
  storedDeliveryIds,
  type ReceivedDelivery,
} from "../../src/storage/deliveries.js";
import { DeliveryModel } from "../../src/storage/models/delivery.js";
import { clearDatabase } from "../helpers/database.js";

const LEASE = { leaseMs: 60_000 };
const ago = (ms: number) => new Date(Date.now() - ms);

function received(deliveryId: string, overrides: Partial<ReceivedDelivery> = {}): ReceivedDelivery {
  return {
    deliveryId,
    event: "pull_request",
    action: "opened",
    installationId: 7,
    repositoryId: 70,
    body: JSON.stringify({ action: "opened", number: 1 }),
    lane: null,
    receivedAt: new Date(),
    ...overrides,
  };
}

const stateOf = async (id: string) => (await DeliveryModel.findById(id).lean())?.state;

beforeEach(clearDatabase);

describe("the webhook inbox", () => {
  it("stores a delivery once: its redelivery changes nothing", async () => {
    expect(await storeReceivedDelivery(received("d-1"))).toBe(true);
    const [claimed] = await claimDueDeliveries(10, LEASE);
    await markDeliveryProcessed(claimed!);

    expect(await storeReceivedDelivery(received("d-1", { body: "{}" }))).toBe(false);

    expect(await DeliveryModel.countDocuments()).toBe(1);
    expect(await stateOf("d-1")).toBe("processed");
    expect(await storedDeliveryIds(["d-1", "d-2"])).toEqual(new Set(["d-1"]));
  });

  it("stores every field of an entry, as a claim reads it back", async () => {
    const delivery = received("claimed-on-arrival", { claim: { claimedBy: "this-process", leaseMs: 30_000 } });
    await storeReceivedDelivery(delivery);

    const stored = await DeliveryModel.findById(delivery.deliveryId).lean();
    const fields = Object.keys(DeliveryModel.schema.paths).filter((path) => path !== "__v");
    expect(Object.keys(stored!).sort()).toEqual(fields.sort());
    expect(stored).toEqual(arrivedEntry({ ...delivery, claim: delivery.claim! }));
  });

  it("keeps a large body deflated and gives it back as signed", async () => {
    const body = JSON.stringify({ action: "opened", padding: "x".repeat(3_000_000) });
    await storeReceivedDelivery(received("large", { body }));

    const stored = await DeliveryModel.findById("large").lean();
    expect(stored?.body ?? null).toBeNull();
    expect(JSON.stringify(stored).length).toBeLessThan(100_000);
    expect(deliveryBody(stored!)).toBe(body);
  });

  it("claims each due entry once, outside lanes, and drops the body once processed", async () => {
    for (const id of ["a", "b", "c"]) await storeReceivedDelivery(received(id));
    await storeReceivedDelivery(received("lifecycle", { event: "installation", lane: "installation:7" }));

    const claimed = await claimDueDeliveries(10, LEASE);
    expect(claimed.map(({ _id }) => _id).sort()).toEqual(["a", "b", "c"]);
    expect(claimed.every(({ attempts, state }) => attempts === 1 && state === "processing")).toBe(true);
    expect(await claimDueDeliveries(10, LEASE)).toEqual([]);

    await markDeliveryProcessed(claimed[0]!);
    const processed = await DeliveryModel.findById(claimed[0]!._id).lean();
    expect(processed).toMatchObject({ state: "processed", claimedBy: null, dueAt: null });
    expect(processed?.body).toBeUndefined();
    expect(processed?.finishedAt).toBeInstanceOf(Date);
  });

  it("takes over a claim whose process died once it lapses", async () => {
    await storeReceivedDelivery(received("abandoned", { receivedAt: ago(200_000) }));
    const [first] = await claimDueDeliveries(1, { leaseMs: 60_000, now: ago(120_000) });

    const [again] = await claimDueDeliveries(1, LEASE);
    expect(again).toMatchObject({ _id: "abandoned", attempts: 2 });
    expect(again!.claimedBy).not.toBe(first!.claimedBy);

    // The dead process's late outcome no longer counts: its claim is gone.
    await markDeliveryProcessed(first!);
    expect(await stateOf("abandoned")).toBe("processing");
  });

  it("retries a failed entry when its backoff ends, and keeps a dead one for an owner to retry", async () => {
    await storeReceivedDelivery(received("flaky"));
    await markDeliveryFailed((await claimDelivery("flaky", LEASE))!, "GitHub answered 502", new Date(Date.now() + 60_000));
    expect(await DeliveryModel.findById("flaky").lean()).toMatchObject({ state: "retrying", lastError: "GitHub answered 502" });
    expect(await claimDueDeliveries(10, LEASE)).toEqual([]);
    expect(await claimDueDeliveries(10, { ...LEASE, now: new Date(Date.now() + 61_000) })).toHaveLength(1);

    await storeReceivedDelivery(received("broken"));
    await markDeliveryFailed((await claimDelivery("broken", LEASE))!, "invalid payload: pull_request is required", null);
    expect(await DeliveryModel.findById("broken").lean()).toMatchObject({ state: "dead", lastError: "invalid payload: pull_request is required" });

    expect(await retryDeadDelivery(8, "broken")).toBe(false);
    expect(await retryDeadDelivery(7, "flaky")).toBe(false);
    expect(await retryDeadDelivery(7, "broken")).toBe(true);
    expect(await DeliveryModel.findById("broken").lean()).toMatchObject({ state: "received", attempts: 0 });
    expect(deliveryBody((await claimDelivery("broken", LEASE))!)).toBe(received("broken").body);
  });

  it("runs a lane one entry at a time in received order, the next only once the previous finished", async () => {
    const lane = "installation:7";
    const at = (seconds: number) => new Date(Date.now() - 60_000 + seconds * 1_000);
    await storeReceivedDelivery(received("deleted", { event: "installation", action: "deleted", lane, receivedAt: at(2) }));
    await storeReceivedDelivery(received("created", { event: "installation", action: "created", lane, receivedAt: at(1) }));
    await storeReceivedDelivery(received("other", { event: "installation", lane: "installation:8", receivedAt: at(3) }));

    const first = await claimLaneHeads(10, LEASE);
    expect(first.map(({ _id }) => _id).sort()).toEqual(["created", "other"]);
    expect(await claimLaneHeads(10, LEASE)).toEqual([]);

    await markDeliveryProcessed(first.find(({ _id }) => _id === "other")!);
    // A failure holds the lane until its retry: what came later waits.
    await markDeliveryFailed(first.find(({ _id }) => _id === "created")!, "timeout", new Date(Date.now() + 60_000));
    expect(await claimLaneHeads(10, LEASE)).toEqual([]);
    const retried = await claimLaneHeads(10, { ...LEASE, now: new Date(Date.now() + 61_000) });
    expect(retried.map(({ _id }) => _id)).toEqual(["created"]);

    await markDeliveryProcessed(retried[0]!);
    expect((await claimLaneHeads(10, { ...LEASE, now: new Date(Date.now() + 61_000) })).map(({ _id }) => _id)).toEqual(["deleted"]);
  });

  it("holds a lifecycle event back until the installation's deliveries received before it are processed", async () => {
    const at = (seconds: number) => new Date(Date.now() - 60_000 + seconds * 1_000);
    await storeReceivedDelivery(received("pull-request", { receivedAt: at(1) }));
    await storeReceivedDelivery(received("failing", { receivedAt: at(1) }));
    await storeReceivedDelivery(received("elsewhere", { installationId: 8, receivedAt: at(1) }));
    await storeReceivedDelivery(received("removed", { event: "installation_repositories", lane: "installation:7", receivedAt: at(2) }));
    await storeReceivedDelivery(received("later", { receivedAt: at(3) }));
    await markDeliveryFailed((await claimDelivery("failing", LEASE))!, "GitHub answered 502", new Date(Date.now() + 60_000));

    expect(await claimLaneHeads(10, LEASE)).toEqual([]);

    await markDeliveryProcessed((await claimDelivery("pull-request", LEASE))!);
    expect((await claimLaneHeads(10, LEASE)).map(({ _id }) => _id)).toEqual(["removed"]);
  });

  it("lists an installation's latest deliveries in every state, newest first", async () => {
    await storeReceivedDelivery(received("first", { receivedAt: ago(3_000) }));
    await storeReceivedDelivery(received("second", { receivedAt: ago(2_000) }));
    await storeReceivedDelivery(received("third", { receivedAt: ago(1_000) }));
    await storeReceivedDelivery(received("elsewhere", { installationId: 8 }));
    await markDeliveryFailed((await claimDelivery("second", LEASE))!, "boom", null);

    const recent = await listRecentDeliveries(7);
    expect(recent.map(({ _id, state }) => [_id, state])).toEqual([
      ["third", "received"],
      ["second", "dead"],
      ["first", "received"],
    ]);
    expect(recent[0]).not.toHaveProperty("body");
  });

  it("looks back further only when the recent windows hold too few deliveries", async () => {
    for (const [index, hours] of [0.5, 2, 30, 100].entries()) {
      await storeReceivedDelivery(received(`d${index}`, { receivedAt: ago(hours * 3_600_000) }));
    }

    expect((await listRecentDeliveries(7, 1)).map(({ _id }) => _id)).toEqual(["d0"]);
    expect((await listRecentDeliveries(7, 3)).map(({ _id }) => _id)).toEqual(["d0", "d1", "d2"]);
    expect((await listRecentDeliveries(7, 10)).map(({ _id }) => _id)).toEqual(["d0", "d1", "d2", "d3"]);
  });

  it("forgets entries that finished before the retention, and nothing unfinished", async () => {
    const longAgo = DELIVERY_RETENTION_MS + 3_600_000;
    for (const id of ["old-processed", "old-dead", "recent", "old-unfinished"]) {
      await storeReceivedDelivery(received(id, { receivedAt: ago(id.startsWith("old") ? longAgo : 0) }));
    }
    await markDeliveryProcessed((await claimDelivery("old-processed", LEASE))!, ago(longAgo));
    await markDeliveryFailed((await claimDelivery("old-dead", LEASE))!, "boom", null, ago(longAgo));
    await markDeliveryProcessed((await claimDelivery("recent", LEASE))!);

    expect(await pruneDeliveries()).toBe(2);

    expect((await DeliveryModel.find({}, { _id: 1 }).sort({ _id: 1 }).lean()).map(({ _id }) => _id)).toEqual(["old-unfinished", "recent"]);
  });
});
