import { setTimeout as sleep } from "node:timers/promises";
import { REFRESH_DELAY_MS } from "../src/backfill/control.js";
import { JobModel } from "../src/storage/models/index.js";

/**
 * Waits until the app's queue has nothing running or about to run: the refreshes a burst's webhooks asked for wait
 * REFRESH_DELAY_MS before they run, and left to themselves they ran in the middle of the next measurement (the raw
 * upserts, or the next round's burst, whose processing then fell by a third). A retry set for later does not count.
 */
export async function appQuiet(): Promise<void> {
  const busy = () =>
    JobModel.exists({ $or: [{ state: "running" }, { state: "queued", runAt: { $lte: new Date(Date.now() + REFRESH_DELAY_MS + 1_000) } }] });
  while (await busy()) await sleep(500);
}
