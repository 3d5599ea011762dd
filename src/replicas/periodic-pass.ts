import type { Logger } from "pino";
import { reportDatabaseError } from "../db/health.js";
import { untilWritten } from "../db/until-written.js";
import {
  bringPeriodicPassForward,
  claimPeriodicPass,
  finishPeriodicPass,
  registerPeriodicPass,
  releasePeriodicPass,
  renewPeriodicPass,
} from "../storage/periodic-passes.js";
import { thisReplica } from "./replica.js";

export interface PeriodicPassOptions {
  /** Names the pass across replicas: every replica scheduling a pass of this name shares its runs. */
  name: string;
  /** Time from the end of one run to the start of the next, whichever replicas run them. */
  intervalMs: number;
  /**
   * Asks for a run as this replica starts (e.g. RECONCILE_ON_STARTUP), unless one starts meanwhile on any replica.
   * Otherwise a pass never run before first runs one interval from now.
   */
  runNow: boolean;
  /** The pass. It catches and logs its own failures: a failed run counts as a run, and the next is an interval later. */
  run: (signal: AbortSignal) => Promise<void>;
  log: Logger;
  /** How long a holder keeps the pass without renewing (renewed every third of it): how soon a dead holder's run is taken over. */
  leaseMs?: number;
  /** How often this replica looks whether the pass is due: min(interval, 15 s) unless given. */
  checkMs?: number;
  /** Who this replica is, as stored on the pass it holds. */
  holder?: string;
}

interface Held {
  abort: AbortController;
  finishing?: Promise<unknown>;
}

/** How a pass is coordinated, for tests and drills that need it faster than the defaults. */
export type PassTiming = Pick<PeriodicPassOptions, "leaseMs" | "checkMs" | "holder">;

/** Stops this replica's part in a pass; resolves once a run it held is handed on (see schedulePeriodicPass). */
export type StopPeriodicPass = () => Promise<void>;

/**
 * Runs a pass on one replica at a time, once per interval in total however many replicas schedule it. Every replica
 * looks every `checkMs` whether the pass is due and claims it with one atomic update of its document; the one that
 * got it renews its lease while the pass runs and, at the end, makes it due again an interval later. A replica that
 * dies holding the pass stops renewing, and another takes the pass over once the lease lapses; a replica that stops
 * hands a run it holds back at once (still due: another replica runs it from the start) and aborts its own.
 * Nothing throws out of the timers: a database outage is logged once (see reportDatabaseError) and the replica
 * looks again at the next check.
 */
export function schedulePeriodicPass(options: PeriodicPassOptions): StopPeriodicPass {
  const { name, intervalMs, runNow, run, log, leaseMs = 60_000, checkMs = Math.min(intervalMs, 15_000), holder = thisReplica } = options;
  const startedAt = new Date();
  let registered = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  /** This check's claim, from when it is asked for until the check ends (whatever its answer). */
  let claim: Promise<boolean> | undefined;
  /** This replica's run, while it holds the pass; `finishing` once the pass returned and its end is being recorded. */
  let held: Held | undefined;

  const failed = (error: unknown, what: string) => {
    if (!reportDatabaseError(log, error, what)) log.warn({ pass: name, err: error }, `${what} failed; trying again at the next check`);
  };

  const register = async () => {
    await registerPeriodicPass(name, new Date(startedAt.getTime() + (runNow ? 0 : intervalMs)));
    if (runNow) await bringPeriodicPassForward(name, startedAt);
    registered = true;
  };

  const runHeld = async () => {
    const abort = new AbortController();
    const current: Held = { abort };
    held = current;
    const heartbeat = setInterval(() => {
      renewPeriodicPass(name, holder, leaseMs).then(
        (owned) => owned || abort.abort(),
        (error: unknown) => failed(error, `renewing the lease of the ${name} pass`),
      );
    }, leaseMs / 3);
    // Which replica ran each pass, and when: the record that it ran once per interval in total.
    log.debug({ pass: name, holder }, `the ${name} pass started`);
    try {
      await run(abort.signal);
    } catch (error) {
      log.error({ pass: name, err: error }, `the ${name} pass threw (a bug: passes catch their own failures)`);
    } finally {
      clearInterval(heartbeat);
    }
    log.debug({ pass: name, holder, aborted: abort.signal.aborted }, `the ${name} pass ended`);
    // Stopped (the stop hands the pass back) or taken over by another replica: nothing of it is this replica's now.
    if (abort.signal.aborted) return;
    // Retried while the database is away; should the lease lapse meanwhile, another replica may run the pass again.
    current.finishing = untilWritten(() => finishPeriodicPass(name, holder, new Date(Date.now() + intervalMs)), {
      onFailure: (error) => failed(error, `recording the end of the ${name} pass`),
      stopping: () => stopped,
    });
    await current.finishing;
  };

  const check = async () => {
    try {
      if (!registered) await register();
      if (stopped) return;
      claim = claimPeriodicPass(name, holder, leaseMs);
      // Claimed as the replica stopped: the stop hands it back.
      if ((await claim) && !stopped) await runHeld();
    } catch (error) {
      failed(error, `checking the ${name} pass`);
    } finally {
      claim = undefined;
      held = undefined;
    }
    if (stopped) return;
    timer = setTimeout(() => void check(), checkMs);
    timer.unref();
  };
  void check();

  return async () => {
    stopped = true;
    clearTimeout(timer);
    const claimed = await claim?.catch(() => false);
    if (held?.finishing) {
      await held.finishing;
      return;
    }
    if (!claimed) return;
    held?.abort.abort();
    await releasePeriodicPass(name, holder).catch((error: unknown) => failed(error, `handing back the ${name} pass`));
  };
}
