import { randomUUID } from "node:crypto";
import { deflateSync, inflateSync } from "node:zlib";
import { mongo } from "mongoose";
import { groupCommit } from "./group-commit.js";
import { DeliveryModel, type Delivery, type DeliveryState } from "./models/delivery.js";
import { isTransientConflict, statementErrors } from "./mongo-errors.js";

/** GitHub lets an app redeliver deliveries of the past 3 days; the inbox keeps a week of finished ones. */
export const DELIVERY_RETENTION_MS = 7 * 24 * 3_600_000;

/** Bodies up to this size are stored as text, larger ones deflated (see the model). */
const LARGEST_PLAIN_BODY = 1_000_000;

/** States whose entries a processor takes when due (`dueAt` says when, per state). */
const UNFINISHED: DeliveryState[] = ["received", "processing", "retrying"];

export interface ReceivedDelivery {
  deliveryId: string;
  event: string;
  action: string | null;
  installationId: number | null;
  repositoryId: number | null;
  /** The raw body, exactly as signed. */
  body: string;
  /** Set for installation lifecycle events: see the model's `lane`. */
  lane: string | null;
  receivedAt: Date;
  /** Set when the receiving process takes the delivery on arrival: see storeReceivedDelivery. */
  claim?: ArrivalClaim | null;
  /** The body as parsed on arrival (never stored): the receiving process handles it without parsing it again. */
  payload?: unknown;
}

/** A claim the receiving process stores with a delivery, so it processes it at once, without a claim round. */
export interface ArrivalClaim {
  claimedBy: string;
  leaseMs: number;
}

/** An entry taken by one processor, with the token its outcome must present. */
export type ClaimedDelivery = Delivery & { _id: string; claimedBy: string };

/**
 * Stores a verified delivery in the inbox. False when its id is stored already (a redelivery of one received before,
 * or a racing duplicate): nothing changes then. The unique `_id` admits one insert. Deliveries received together are
 * inserted together (see groupCommit); `signal` gives up waiting. With a `claim` the entry is stored as claimed by
 * the receiving process (see arrivedEntry): if that process dies, the claim lapses like any other.
 */
export function storeReceivedDelivery(delivery: ReceivedDelivery, signal?: AbortSignal): Promise<boolean> {
  return insertReceived(delivery, signal);
}

/** Attempts at an insert that keeps losing conflicts with concurrent writes of its key before it fails. */
const INSERT_ATTEMPTS = 5;

/**
 * Inserts deliveries in one statement; says for each whether it was stored (false: its id was taken). On DocumentDB
 * an insert racing another write of its key can be aborted as a deadlock, which stores nothing: that one is inserted
 * again, until it is stored or finds its id taken, so a delivery is never answered as stored without being stored.
 */
async function insertDeliveries(deliveries: ReceivedDelivery[]): Promise<boolean[]> {
  const stored = deliveries.map(() => true);
  let pending = deliveries.map((_, index) => index);
  for (let attempt = 1; pending.length > 0; attempt++) {
    const conflicted: number[] = [];
    try {
      const { insertedCount } = await inbox().insertMany(pending.map((index) => inboxEntry(deliveries[index]!)), { ordered: false });
      // Which were stored is unknown if the count disagrees: fail, and each delivery is inserted again alone.
      if (insertedCount !== pending.length) throw new Error(`${insertedCount} of ${pending.length} deliveries inserted`);
    } catch (error) {
      const writeErrors = statementErrors(error);
      if (!writeErrors) throw error;
      for (const writeError of writeErrors) {
        const index = pending[writeError.index]!;
        if (writeError.code === 11000) stored[index] = false;
        else if (isTransientConflict(writeError.code) && attempt < INSERT_ATTEMPTS) conflicted.push(index);
        else throw error;
      }
    }
    pending = conflicted;
  }
  return stored;
}

const insertReceived = groupCommit(insertDeliveries);

/** The driver's collection, for the statements sent in groups: one statement, no per-document work by the model. */
const inbox = () => DeliveryModel.collection as unknown as mongo.Collection<Delivery & { _id: string }>;

function inboxEntry({ deliveryId, body, receivedAt, claim, event, action, installationId, repositoryId, lane }: ReceivedDelivery): Delivery & { _id: string } {
  const deflated = body.length > LARGEST_PLAIN_BODY;
  const state = claim
    ? { state: "processing" as const, claimedBy: claim.claimedBy, dueAt: new Date(receivedAt.getTime() + claim.leaseMs), attempts: 1 }
    : { state: "received" as const, claimedBy: null, dueAt: receivedAt, attempts: 0 };
  // Every field of the model, spelled out rather than through a mongoose document: this runs once per delivery
  // received, and the document's casting cost more than the rest of the intake's own work.
  return {
    _id: deliveryId,
    event,
    action,
    installationId,
    repositoryId,
    body: deflated ? null : body,
    bodyDeflated: deflated ? deflateSync(body) : null,
    receivedAt,
    lane,
    ...state,
    lastError: null,
    finishedAt: null,
  };
}

/**
 * The entry a delivery stored with an arrival claim is, as a claim would have read it back: the receiving process
 * processes it from memory, sparing the claim's three statements and the read of its body.
 */
export function arrivedEntry(delivery: ReceivedDelivery & { claim: ArrivalClaim }): ClaimedDelivery {
  return inboxEntry(delivery) as ClaimedDelivery;
}

/** The stored body of an entry, as GitHub signed it. */
export function deliveryBody(entry: { body?: string | null; bodyDeflated?: unknown }): string {
  if (entry.body !== null && entry.body !== undefined) return entry.body;
  // A lean read hands binary data back as the driver's Binary rather than a Buffer.
  const deflated: unknown = entry.bodyDeflated;
  if (deflated instanceof mongo.Binary) return inflateSync(deflated.buffer).toString("utf8");
  if (Buffer.isBuffer(deflated)) return inflateSync(deflated).toString("utf8");
  throw new Error("the delivery's body is no longer stored");
}

function claimUpdate(claimedBy: string, leaseMs: number, now: Date) {
  return { $set: { state: "processing" as const, claimedBy, dueAt: new Date(now.getTime() + leaseMs) }, $inc: { attempts: 1 } };
}

const dueNow = (now: Date) => ({ state: { $in: UNFINISHED }, dueAt: { $lte: now } });

export interface ClaimOptions {
  leaseMs: number;
  now?: Date;
}

/**
 * Claims up to `limit` due entries outside lanes: one read of candidates, one conditional update of each by id, sent
 * together (an entry another processor took meanwhile no longer matches), one read of what this claim got.
 * Candidates are drawn from a larger set at random, so processors polling together mostly take different entries.
 * No sort: DocumentDB never reads an index in order, and unlaned deliveries need no order (records keep the newest
 * version). One update per id rather than one for all: DocumentDB finds each by its primary key, where a single
 * update of `_id: { $in }` scanned the inbox (30 ms a claim in a burst, against 1 ms).
 */
export async function claimDueDeliveries(limit: number, { leaseMs, now = new Date() }: ClaimOptions): Promise<ClaimedDelivery[]> {
  const filter = { ...dueNow(now), lane: null };
  const candidates = await DeliveryModel.find(filter, { _id: 1 }).limit(limit * 4).lean();
  if (candidates.length === 0) return [];
  // In id order: processors that picked some of the same entries lock them in the same order, so wait, not deadlock.
  const ids = shuffled(candidates.map(({ _id }) => _id)).slice(0, limit).sort();
  const claimedBy = randomUUID();
  const claim = claimUpdate(claimedBy, leaseMs, now);
  try {
    await inbox().bulkWrite(ids.map((_id) => ({ updateOne: { filter: { _id, ...filter }, update: claim } })), { ordered: false });
  } catch (error) {
    // Two processors claiming the same entries can deadlock on DocumentDB: the loser does without those this time.
    if (!statementErrors(error)?.every(({ code }) => isTransientConflict(code))) throw error;
  }
  return DeliveryModel.find({ _id: { $in: ids }, claimedBy }).lean<ClaimedDelivery[]>();
}

function shuffled<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * Claims the next entry of up to `maxLanes` lanes with due work: in each, the oldest unfinished entry, if it is due.
 * While one entry of a lane is processing or waiting to retry, it stays the oldest unfinished one and is not due, so
 * nothing later in its lane runs: a lane runs one entry at a time, in received order, across processes.
 */
export async function claimLaneHeads(maxLanes: number, { leaseMs, now = new Date() }: ClaimOptions): Promise<ClaimedDelivery[]> {
  // Without `state`: only unfinished entries have a due time, and so the lane index answers rather than the state one.
  const due = await DeliveryModel.find({ lane: { $gt: "" }, dueAt: { $lte: now } }, { lane: 1 }).limit(maxLanes * 4).lean();
  const lanes = [...new Set(due.map(({ lane }) => lane!))].slice(0, maxLanes);
  const claimed: ClaimedDelivery[] = [];
  for (const lane of lanes) {
    const [head] = await DeliveryModel.find({ lane, state: { $in: UNFINISHED } }, { state: 1, dueAt: 1, installationId: 1, receivedAt: 1 })
      .sort({ receivedAt: 1, _id: 1 })
      .limit(1)
      .lean();
    if (!head?.dueAt || head.dueAt > now || (await receivedEarlierAndPending(head))) continue;
    const claimedBy = randomUUID();
    const entry = await DeliveryModel.findOneAndUpdate({ _id: head._id, state: head.state, dueAt: head.dueAt }, claimUpdate(claimedBy, leaseMs, now), {
      new: true,
    }).lean<ClaimedDelivery>();
    if (entry) claimed.push(entry);
  }
  return claimed;
}

/**
 * Whether the installation has deliveries outside lanes, received before this lifecycle event, still waiting or
 * running: the event waits for them, so a repository removed from the installation is removed after the events from
 * the time it was granted (a burst of redeliveries after an outage brings them all at once). One failing and waiting
 * to retry does not hold the lane up. Read through the {lane, dueAt} index: only unfinished entries have a due time.
 */
async function receivedEarlierAndPending({ installationId, receivedAt }: { installationId?: number | null; receivedAt: Date }): Promise<boolean> {
  const pending = { lane: null, dueAt: { $gt: new Date(0) }, installationId, receivedAt: { $lt: receivedAt }, state: { $in: ["received", "processing"] } };
  return (await DeliveryModel.exists(pending)) !== null;
}

/** Claims one entry by id whatever its turn (tests, and processing right after intake in tests); null if not due. */
export async function claimDelivery(deliveryId: string, { leaseMs, now = new Date() }: ClaimOptions): Promise<ClaimedDelivery | null> {
  return DeliveryModel.findOneAndUpdate({ _id: deliveryId, ...dueNow(now) }, claimUpdate(randomUUID(), leaseMs, now), { new: true }).lean<ClaimedDelivery>();
}

type Claim = Pick<ClaimedDelivery, "_id" | "claimedBy">;
const held = ({ _id, claimedBy }: Claim) => ({ _id, claimedBy, state: "processing" as DeliveryState });

/** Extends the claims of entries still being processed; a claim another processor took over is left alone. */
export async function renewDeliveryClaims(claims: Claim[], leaseMs: number, now = new Date()): Promise<void> {
  if (claims.length === 0) return;
  await DeliveryModel.bulkWrite(
    claims.map((claim) => ({ updateOne: { filter: held(claim), update: { $set: { dueAt: new Date(now.getTime() + leaseMs) } } } })),
    { ordered: false },
  );
}

const finished = (now: Date) => ({ claimedBy: null, dueAt: null, finishedAt: now });

type Outcome = { claim: Claim; update: mongo.UpdateFilter<Delivery> };

/** Outcomes recorded together in one unordered statement (see groupCommit); each applies only on its own claim. */
const recordOutcomes = groupCommit(async (outcomes: Outcome[]) => {
  await inbox().bulkWrite(
    outcomes.map(({ claim, update }) => ({ updateOne: { filter: held(claim), update } })),
    { ordered: false },
  );
  return outcomes.map(() => undefined);
});

/** Records that an entry's handlers succeeded: from now on every redelivery of it is acknowledged and skipped. */
export async function markDeliveryProcessed(claim: Claim, now = new Date()): Promise<void> {
  await recordOutcomes({ claim, update: { $set: { state: "processed", lastError: null, ...finished(now) }, $unset: { body: 1, bodyDeflated: 1 } } });
}

/** Records a failed attempt: retried at `retryAt`, or dead (kept with its body, for an owner to retry) when null. */
export async function markDeliveryFailed(claim: Claim, error: string, retryAt: Date | null, now = new Date()): Promise<void> {
  const outcome = retryAt ? { state: "retrying" as const, dueAt: retryAt, claimedBy: null } : { state: "dead" as const, ...finished(now) };
  await recordOutcomes({ claim, update: { $set: { ...outcome, lastError: error } } });
}

/** An owner's retry of a dead entry: it is processed again from its stored body, with fresh attempts. */
export async function retryDeadDelivery(installationId: number, deliveryId: string, now = new Date()): Promise<boolean> {
  const { matchedCount } = await DeliveryModel.updateOne(
    { _id: deliveryId, installationId, state: "dead" },
    { $set: { state: "received", dueAt: now, attempts: 0, finishedAt: null } },
  );
  return matchedCount === 1;
}

/** Which of these delivery ids the inbox holds (whatever their state). */
export async function storedDeliveryIds(deliveryIds: string[]): Promise<Set<string>> {
  if (deliveryIds.length === 0) return new Set();
  const stored = await DeliveryModel.find({ _id: { $in: deliveryIds } }, { _id: 1 }).lean();
  return new Set(stored.map(({ _id }) => _id));
}

/** Entries of the installation received since `since`, newest first, without bodies. */
export function deliveriesSince(installationId: number, since: Date, limit: number) {
  return DeliveryModel.find({ installationId, receivedAt: { $gte: since } }, { body: 0, bodyDeflated: 0 })
    .sort({ receivedAt: -1 })
    .limit(limit)
    .lean();
}

/**
 * How far back the Activity page looks, in turn: DocumentDB sorts every delivery a query matches (it never reads an
 * index in order), so a busy installation's whole week is read only when its last hour and day hold too few.
 */
const RECENT_WINDOWS_MS = [3_600_000, 24 * 3_600_000, DELIVERY_RETENTION_MS];

/** The installation's latest deliveries in any state, for the Activity page. */
export async function listRecentDeliveries(installationId: number, limit = 50, now = new Date()) {
  for (const windowMs of RECENT_WINDOWS_MS.slice(0, -1)) {
    const recent = await deliveriesSince(installationId, new Date(now.getTime() - windowMs), limit);
    if (recent.length === limit) return recent;
  }
  return deliveriesSince(installationId, new Date(now.getTime() - DELIVERY_RETENTION_MS), limit);
}

/** Dead entries of the installation (what Test connection reports beside GitHub's failed deliveries). */
export function countDeadDeliveries(installationId: number): Promise<number> {
  return DeliveryModel.countDocuments({ installationId, state: "dead" });
}

/**
 * Forgets entries that finished (processed or dead) before the retention: keeps the inbox small. It reads the whole
 * inbox, once per periodic pass: an index on `finishedAt` would cost every delivery two index writes to spare it.
 */
export async function pruneDeliveries(now = new Date()): Promise<number> {
  const { deletedCount } = await DeliveryModel.deleteMany({ finishedAt: { $lt: new Date(now.getTime() - DELIVERY_RETENTION_MS) } });
  return deletedCount;
}
