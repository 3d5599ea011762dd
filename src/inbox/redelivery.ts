import type { components } from "@octokit/openapi-types";
import type { Logger } from "pino";
import type { Probot } from "probot";
import { reportDatabaseError } from "../db/health.js";
import { schedulePeriodicPass, type PassTiming, type StopPeriodicPass } from "../replicas/periodic-pass.js";
import { chunks } from "../storage/bulk-writes.js";
import { storedDeliveryIds } from "../storage/deliveries.js";
import {
  advanceRedeliveryCheckpoint,
  claimRedeliveryAsk,
  findRedeliveryAsks,
  pruneRedeliveryAsks,
  recordRedeliveryRefused,
  REDELIVERY_WINDOW_MS,
  redeliveryCheckpoint,
  releaseRedeliveryAsk,
  type RedeliveryAsk,
} from "../storage/redeliveries.js";

type Attempt = components["schemas"]["hook-delivery-item"];
type AppOctokit = Awaited<ReturnType<Probot["auth"]>>;

/**
 * How far before the checkpoint a pass reads again: an attempt still under way when the last pass read is listed
 * later with the time it started.
 */
const CHECKPOINT_OVERLAP_MS = 5 * 60_000;

/** GitHub's answers about the delivery itself (malformed, unknown, too old): asking again cannot change them. */
const REFUSALS = new Set([400, 404, 410, 422]);

export interface RedeliverySummary {
  /** Attempts listed back to the checkpoint. */
  listed: number;
  /** Pages of the app's deliveries read. */
  pages: number;
  /** Deliveries GitHub was asked to redeliver. */
  asked: number;
  /** Deliveries GitHub refused to redeliver: not asked for again. */
  refused: number;
}

/** Only 2xx: that is how the intake answers a delivery it stored. */
const succeeded = (attempt: Attempt) => attempt.status_code >= 200 && attempt.status_code < 300;

/**
 * The newest attempt of each delivery first listed on this page (pages run newest first, so a delivery's newer
 * attempts come on this or an earlier page) of which no attempt listed so far succeeded; `listed` holds the guids of
 * earlier pages and gains this page's.
 */
function failedDeliveries(page: Attempt[], listed: Set<string>): Attempt[] {
  const newest = new Map<string, Attempt>();
  const delivered = new Set<string>();
  for (const attempt of page) {
    if (listed.has(attempt.guid)) continue;
    if (succeeded(attempt)) delivered.add(attempt.guid);
    const known = newest.get(attempt.guid);
    if (!known || Number(attempt.id) > Number(known.id)) newest.set(attempt.guid, attempt);
  }
  for (const guid of newest.keys()) listed.add(guid);
  return [...newest.values()].filter(({ guid }) => !delivered.has(guid));
}

function refusal(error: unknown): number | null {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" && REFUSALS.has(status) ? status : null;
}

/**
 * Asks GitHub to redeliver a failed attempt, once this replica claimed the ask ("skipped" when another did, or it may not be asked for again). GitHub's
 * refusal is recorded; any other failure (GitHub or the network down, a rate limit) gives the claim back and stops
 * the pass.
 */
async function askToRedeliver(octokit: AppOctokit, log: Logger, attempt: Attempt, previous: RedeliveryAsk | null, now: Date) {
  const { guid } = attempt;
  const attemptId = Number(attempt.id);
  if (!(await claimRedeliveryAsk(guid, attemptId, previous, now))) return "skipped";
  try {
    await octokit.rest.apps.redeliverWebhookDelivery({ delivery_id: attemptId });
  } catch (error) {
    const status = refusal(error);
    if (status === null) {
      // Should the release fail too, the pass still reports GitHub's failure: a claim left behind only keeps this
      // attempt from being asked for again.
      await releaseRedeliveryAsk(guid, attemptId, previous).catch(() => undefined);
      throw error;
    }
    await recordRedeliveryRefused(guid, attemptId, status);
    log.info({ guid, attemptId, status, event: attempt.event }, "GitHub refused to redeliver a delivery that failed; it is not asked for again");
    return "refused";
  }
  log.debug({ guid, attemptId, event: attempt.event, action: attempt.action, installationId: attempt.installation_id }, "asked GitHub to redeliver a delivery");
  return "asked";
}

/** Asks for these failed deliveries that the inbox does not hold, in their order: one lookup of each kind per 100. */
async function redeliver(octokit: AppOctokit, failed: Attempt[], log: Logger, now: Date, summary: RedeliverySummary): Promise<void> {
  for (const batch of chunks(failed, 100)) {
    const guids = batch.map(({ guid }) => guid);
    const [stored, asks] = await Promise.all([storedDeliveryIds(guids), findRedeliveryAsks(guids)]);
    for (const attempt of batch) {
      if (stored.has(attempt.guid)) continue;
      const outcome = await askToRedeliver(octokit, log, attempt, asks.get(attempt.guid) ?? null, now);
      if (outcome !== "skipped") summary[outcome] += 1;
    }
  }
}

/**
 * GitHub never retries a failed delivery: this pass reads the app's deliveries newest first, back to a little before
 * the checkpoint (3 days at most, all GitHub keeps), and asks GitHub to redeliver every delivery none of whose
 * attempts succeeded and which the inbox does not hold — oldest first, so that an installation's events reach the
 * inbox again in the order they happened (a repository removed from the installation after the events of the time
 * it was granted). A delivery is asked for once per failed attempt, at most `MAX_REDELIVERY_ASKS` times. The
 * checkpoint moves only after a pass read all it needed.
 */
export async function redeliverFailedDeliveries(probot: Probot, log: Logger, now = new Date()): Promise<RedeliverySummary> {
  await pruneRedeliveryAsks(now);
  const checkpoint = await redeliveryCheckpoint();
  const oldest = Math.max(now.getTime() - REDELIVERY_WINDOW_MS, (checkpoint?.getTime() ?? 0) - CHECKPOINT_OVERLAP_MS);
  const octokit = await probot.auth();
  const summary: RedeliverySummary = { listed: 0, pages: 0, asked: 0, refused: 0 };
  const listed = new Set<string>();
  const failed: Attempt[] = [];
  /** When each delivery was first attempted: the order its event happened in. */
  const firstAttempted = new Map<string, number>();
  let newest: number | undefined;
  for await (const { data: page } of octokit.paginate.iterator(octokit.rest.apps.listWebhookDeliveries, { per_page: 100 })) {
    summary.pages += 1;
    const recent = page.filter((attempt) => Date.parse(attempt.delivered_at) >= oldest);
    summary.listed += recent.length;
    for (const attempt of recent) {
      const at = Date.parse(attempt.delivered_at);
      newest = Math.max(newest ?? 0, at);
      firstAttempted.set(attempt.guid, Math.min(firstAttempted.get(attempt.guid) ?? at, at));
    }
    failed.push(...failedDeliveries(recent, listed));
    // Leaving the loop ends the iterator: no older page is requested.
    if (recent.length < page.length) break;
  }
  failed.sort((a, b) => firstAttempted.get(a.guid)! - firstAttempted.get(b.guid)!);
  await redeliver(octokit, failed, log, now, summary);
  await advanceRedeliveryCheckpoint(newest === undefined ? (checkpoint ?? now) : new Date(newest));
  log[summary.asked > 0 ? "info" : "debug"](summary, `asked GitHub to redeliver ${summary.asked} deliveries that failed`);
  return summary;
}

/**
 * Runs a redelivery pass as this replica starts and then `intervalMs` after each one ends, on one replica at a time
 * (see schedulePeriodicPass), so passes never overlap. A failed pass (the database or GitHub away) is one warning
 * line; the next pass tries again. Returns the function that stops this replica's part in it.
 */
export function scheduleRedelivery(probot: Probot, intervalMs: number, timing: PassTiming = {}): StopPeriodicPass {
  const log = probot.log.child({ name: "redelivery" });
  const run = async () => {
    try {
      await redeliverFailedDeliveries(probot, log);
    } catch (error) {
      if (!reportDatabaseError(log, error, "redelivery pass")) {
        log.warn({ reason: error instanceof Error ? error.message : String(error) }, "redelivery pass failed; the next one tries again");
      }
    }
  };
  return schedulePeriodicPass({ name: "redelivery", intervalMs, runNow: true, run, log, ...timing });
}
