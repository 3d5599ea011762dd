import type { EmitterWebhookEvent } from "@octokit/webhooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import { randomUUID } from "node:crypto";
import {
  arrivedEntry,
  claimDelivery,
  claimDueDeliveries,
  claimLaneHeads,
  deliveryBody,
  markDeliveryFailed,
  markDeliveryProcessed,
  renewDeliveryClaims,
  type ArrivalClaim,
  type ClaimedDelivery,
  type ReceivedDelivery,
} from "../storage/deliveries.js";
import { reportDatabaseError } from "../db/health.js";
import { untilWritten } from "../db/until-written.js";
import { InvalidPayloadError } from "../domain/required-fields.js";
import type { EventReceiver } from "../webhooks/event-dispatcher.js";
import { DEFAULT_BURST, IntakeBurst, type BurstOptions } from "./burst.js";
import { prepareValidators, validateWebhookPayload } from "./payload-validation.js";

/** Attempts before a delivery is dead; with `retryDelayMs` the last is about 70 minutes after the first. */
export const MAX_DELIVERY_ATTEMPTS = 10;

/** 10 s after the first failure, doubling, at most 30 minutes. */
export function retryDelayMs(failedAttempts: number): number {
  return Math.min(30 * 60_000, 10_000 * 2 ** (failedAttempts - 1));
}

/**
 * A claim lasts this long unless renewed (every third of it, while the handlers run): a claim left by a process that
 * died, or by a claim whose answer the database lost, is taken over this soon.
 */
export const DELIVERY_LEASE_MS = 30_000;

export type DeliveryOutcome = { processed: true } | { processed: false; error: string; retryAt: Date | null };

function describeFailure(error: unknown): string {
  // @octokit/webhooks gathers the failures of an event's handlers in an AggregateError with an empty message.
  const causes = error instanceof AggregateError ? error.errors : [error];
  return causes.map((cause) => (cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause))).join("; ").slice(0, 1_000);
}

/**
 * Runs the app's handlers for one claimed entry and says what became of it (nothing is recorded here). `parsed` is
 * the body as the receiving process parsed it on arrival, if this is that process: it is not parsed again.
 */
export async function runDelivery(handlers: EventReceiver, entry: ClaimedDelivery, retryDelay = retryDelayMs, parsed?: unknown): Promise<DeliveryOutcome> {
  let payload = parsed;
  try {
    payload ??= JSON.parse(deliveryBody(entry));
  } catch (error) {
    return { processed: false, error: `unreadable body: ${describeFailure(error)}`, retryAt: null };
  }
  const invalid = validateWebhookPayload(entry.event, payload);
  // Retrying cannot make an invalid payload valid: it goes straight to dead, before any handler could store part of it.
  if (invalid) return { processed: false, error: `invalid payload: ${invalid}`, retryAt: null };
  try {
    await handlers.receive({ id: entry._id, name: entry.event, payload } as EmitterWebhookEvent);
    return { processed: true };
  } catch (error) {
    // A handler's own check found the payload unusable (an action the schema does not know yet): no retry fixes that.
    const hopeless = (error instanceof AggregateError ? error.errors : [error]).some((cause) => cause instanceof InvalidPayloadError);
    const retryAt = !hopeless && entry.attempts < MAX_DELIVERY_ATTEMPTS ? new Date(Date.now() + retryDelay(entry.attempts)) : null;
    return { processed: false, error: describeFailure(error), retryAt };
  }
}

/** Records an outcome on the entry's claim. */
export function recordOutcome(entry: ClaimedDelivery, outcome: DeliveryOutcome): Promise<void> {
  return outcome.processed ? markDeliveryProcessed(entry) : markDeliveryFailed(entry, outcome.error, outcome.retryAt);
}

/** Claims one stored entry by id and processes it now (tests deliver through the inbox this way). */
export async function processDeliveryNow(handlers: EventReceiver, deliveryId: string): Promise<DeliveryOutcome | null> {
  const entry = await claimDelivery(deliveryId, { leaseMs: DELIVERY_LEASE_MS });
  if (!entry) return null;
  const outcome = await runDelivery(handlers, entry);
  await recordOutcome(entry, outcome);
  return outcome;
}

export interface InboxProcessorOptions {
  /** The app's handlers (see eventDispatcher). */
  handlers: EventReceiver;
  log: Logger;
  /** Deliveries processed at once in this process. */
  concurrency?: number;
  pollMs?: number;
  leaseMs?: number;
  /** How long after its n-th failed attempt a delivery is tried again. */
  retryDelay?: (failedAttempts: number) => number;
  /** How processing holds back while this process's intake stores a burst. */
  burst?: BurstOptions;
}

/** How the webhook intake hands what it stores to this process's processor. */
export interface InboxHandoff {
  /** A claim to store the delivery under when this process can take it at once; null: it is stored unclaimed. */
  claimOnArrival(delivery: ReceivedDelivery): ArrivalClaim | null;
  /** After the store, whatever came of it: `stored` false when this request stored nothing. */
  arrived(delivery: ReceivedDelivery, stored: boolean): void;
}

/**
 * Drains the inbox in the background: takes what this process receives as it arrives (claimed in the same insert),
 * claims due entries (a batch outside lanes, the head of each lane), runs the app's handlers for each, records the
 * outcome. A failure is retried with backoff, then dead. Every database error
 * is caught: the loop logs once per streak of failures and tries again, and an entry whose outcome could not be
 * recorded is re-processed when its claim lapses (handlers write idempotently).
 */
export class InboxProcessor implements InboxHandoff {
  readonly #options: Required<InboxProcessorOptions>;
  readonly #inFlight = new Map<string, { entry: ClaimedDelivery; done: Promise<void> }>();
  /** Slots promised to deliveries being stored with an arrival claim. */
  #promised = 0;
  /** Deliveries taken on arrival during a burst, claimed and waiting for it to end (see IntakeBurst). */
  readonly #held: { entry: ClaimedDelivery; parsed: unknown; bytes: number }[] = [];
  /** The bodies of the deliveries held or promised. */
  #heldBytes = 0;
  readonly #burst: IntakeBurst;
  #stopping = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #failing = false;

  constructor(options: InboxProcessorOptions) {
    this.#options = { concurrency: 512, pollMs: 1_000, leaseMs: DELIVERY_LEASE_MS, retryDelay: retryDelayMs, ...options, burst: options.burst ?? DEFAULT_BURST };
    this.#burst = new IntakeBurst(this.#options.burst, () => this.#startHeld());
  }

  start(): void {
    if (this.#loop) return;
    prepareValidators().catch((error: unknown) => this.#options.log.warn({ err: error }, "could not prepare payload validators ahead: each is compiled on first use"));
    this.#loop = this.#run();
    this.#heartbeat ??= setInterval(() => void this.#renewClaims(), this.#options.leaseMs / 3);
  }

  /** Wakes an idle processor at once, e.g. right after this process stored a delivery. */
  notify(): void {
    this.#wake?.();
  }

  claimOnArrival(delivery: ReceivedDelivery): ArrivalClaim | null {
    this.#burst.storing();
    // A lane's order is kept by claiming its head; and a process not running (yet, or any more) takes nothing.
    if (delivery.lane !== null || !this.#loop || this.#stopping) return null;
    if (this.#busySlots() >= this.#options.concurrency && !this.#burst.mayHold(this.#heldBytes, delivery.body.length)) return null;
    this.#promised += 1;
    this.#heldBytes += delivery.body.length;
    return { claimedBy: randomUUID(), leaseMs: this.#options.leaseMs };
  }

  arrived(delivery: ReceivedDelivery, stored: boolean): void {
    this.#burst.stored();
    if (delivery.claim) {
      this.#promised -= 1;
      if (stored) {
        this.#held.push({ entry: arrivedEntry({ ...delivery, claim: delivery.claim }), parsed: delivery.payload, bytes: delivery.body.length });
        this.#startHeld();
      } else {
        this.#heldBytes -= delivery.body.length;
      }
    } else if (stored) {
      this.notify();
    }
  }

  #busySlots(): number {
    return this.#inFlight.size + this.#promised + this.#held.length;
  }

  /** Starts what was taken on arrival, as far as the burst allows; after it, the claim loop may take more. */
  #startHeld(): void {
    const limit = this.#stopping ? Infinity : this.#burst.limit(this.#options.concurrency);
    while (this.#held.length > 0 && this.#inFlight.size < limit) {
      const { entry, parsed, bytes } = this.#held.shift()!;
      this.#heldBytes -= bytes;
      this.#start(entry, parsed);
    }
    if (this.#held.length === 0) this.notify();
  }

  /** Stops claiming and waits for the deliveries in flight (each is short; none is interrupted). */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#heartbeat);
    this.#burst.stop();
    // Claimed already: run now rather than left for the claim to lapse.
    this.#startHeld();
    this.notify();
    await this.#loop;
    await Promise.all([...this.#inFlight.values()].map(({ done }) => done));
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      const started = await this.#claimAndStart();
      if (started > 0) continue;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        // Woken by the poll interval or a delivery finishing (none in flight: the interval alone).
        void Promise.race([sleep(this.#options.pollMs), ...[...this.#inFlight.values()].map(({ done }) => done)]).then(() => resolve());
      });
      this.#wake = undefined;
    }
  }

  async #claimAndStart(): Promise<number> {
    const { concurrency } = this.#options;
    const capacity = concurrency - this.#busySlots();
    // A claim round costs the same few statements for one entry as for many: while deliveries are in flight, the
    // next round waits until half the slots are free. During a burst, what arrives is taken on arrival.
    if (this.#stopping || this.#burst.holding || capacity <= 0 || (this.#busySlots() > 0 && capacity < Math.ceil(concurrency / 2))) return 0;
    try {
      const { leaseMs } = this.#options;
      const laned = await claimLaneHeads(Math.min(capacity, 4), { leaseMs });
      const claimed = [...laned, ...(await claimDueDeliveries(capacity - laned.length, { leaseMs }))];
      this.#recovered();
      for (const entry of claimed) this.#start(entry);
      return claimed.length;
    } catch (error) {
      this.#failed(error, "could not claim deliveries from the inbox; trying again shortly");
      return 0;
    }
  }

  #start(entry: ClaimedDelivery, parsed?: unknown): void {
    const done = this.#process(entry, parsed).finally(() => {
      this.#inFlight.delete(entry._id);
      this.#startHeld();
    });
    this.#inFlight.set(entry._id, { entry, done });
  }

  async #process(entry: ClaimedDelivery, parsed?: unknown): Promise<void> {
    const { handlers, log, retryDelay } = this.#options;
    const outcome = await runDelivery(handlers, entry, retryDelay, parsed);
    const deliveryLog = log.child({ deliveryId: entry._id, event: entry.event, action: entry.action, attempt: entry.attempts });
    if (!outcome.processed) {
      if (outcome.retryAt) deliveryLog.warn({ reason: outcome.error, retryAt: outcome.retryAt }, "delivery failed; it will be retried");
      else deliveryLog.error({ reason: outcome.error }, "delivery is dead: an owner can retry it from the Activity page");
    }
    // Recorded until it sticks (the database may be down this minute); the claim is renewed meanwhile. Given up only
    // when stopping: the claim then lapses and the delivery runs again elsewhere.
    await untilWritten(() => recordOutcome(entry, outcome), {
      onFailure: (error) => this.#failed(error, "could not record a delivery's outcome; trying again"),
      stopping: () => this.#stopping,
    });
  }

  /**
   * Renews the claims that would lapse before the beat after next: a delivery that finishes within a third of the
   * lease (nearly all do) is never renewed, and a renewal does not meet every outcome being recorded meanwhile.
   */
  async #renewClaims(): Promise<void> {
    const { leaseMs } = this.#options;
    const now = new Date();
    // Held ones too: a burst may hold more than its slots, which then wait for slots to free.
    const lapsing = [...this.#inFlight.values(), ...this.#held].map(({ entry }) => entry).filter((entry) => entry.dueAt!.getTime() - now.getTime() < (leaseMs * 2) / 3);
    try {
      await renewDeliveryClaims(lapsing, leaseMs, now);
      for (const entry of lapsing) entry.dueAt = new Date(now.getTime() + leaseMs);
    } catch (error) {
      this.#failed(error, "could not renew delivery claims; trying again at the next beat");
    }
  }

  /** One line per outage or streak of failures, not one per poll while the database is away. */
  #failed(error: unknown, message: string): void {
    if (reportDatabaseError(this.#options.log, error, message) || this.#failing) return;
    this.#failing = true;
    this.#options.log.warn({ err: error }, message);
  }

  #recovered(): void {
    if (!this.#failing) return;
    this.#failing = false;
    this.#options.log.info("inbox processing resumed");
  }
}
