import { setTimeout as sleep } from "node:timers/promises";

export interface UntilWrittenOptions {
  /** Told of each failure (to log it, once per outage). */
  onFailure: (error: unknown) => void;
  /** Checked after a failure: true gives up (the process is stopping; a lease lapsing hands the work on). */
  stopping: () => boolean;
}

/**
 * Runs a write until the database takes it, waiting 0.5 s after a failure, doubling to 10 s: an outcome worth
 * recording (a job or delivery finished) is recorded once the database is back rather than redone from scratch.
 * Resolves true once written, false if it gave up.
 */
export async function untilWritten(write: () => Promise<unknown>, { onFailure, stopping }: UntilWrittenOptions): Promise<boolean> {
  for (let wait = 500; ; wait = Math.min(wait * 2, 10_000)) {
    try {
      await write();
      return true;
    } catch (error) {
      onFailure(error);
      if (stopping()) return false;
      await sleep(wait);
    }
  }
}
