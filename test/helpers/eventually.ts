import { setTimeout as sleep } from "node:timers/promises";

/**
 * Polls `check` until it returns a value that is not false/undefined, or fails after `timeoutMs` with `what`. For
 * background work (an inbox processor, a supervisor) that a test cannot await directly.
 */
export async function eventually<T>(what: string, check: () => Promise<T | false | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result !== false && result !== undefined) return result;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(25);
  }
}
