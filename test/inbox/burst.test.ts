import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { IntakeBurst } from "../../src/inbox/burst.js";

const OPTIONS = { processing: 4, gapMs: 200, holdMs: 5_000, heldBytes: 1_000 };
const CONCURRENCY = 256;

let releases = 0;
let burst: IntakeBurst;

beforeEach(() => {
  // Only what IntakeBurst is given here: with `performance` faked as well, the next test file this worker ran saw
  // its bursts never end.
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  releases = 0;
  burst = new IntakeBurst(OPTIONS, () => (releases += 1), () => Date.now());
});
afterEach(() => {
  burst.stop();
  vi.useRealTimers();
});

/** One delivery stored in `ms`. */
function store(ms: number): void {
  burst.storing();
  vi.advanceTimersByTime(ms);
  burst.stored();
}

describe("a burst of deliveries at the intake", () => {
  it("does not hold processing back while nothing arrives", () => {
    expect(burst.holding).toBe(false);
    expect(burst.limit(CONCURRENCY)).toBe(CONCURRENCY);
  });

  it("holds processing back from the first delivery being stored until the intake has been quiet for the gap", () => {
    burst.storing();
    expect(burst.limit(CONCURRENCY)).toBe(OPTIONS.processing);
    vi.advanceTimersByTime(50);
    burst.stored();
    store(50);
    vi.advanceTimersByTime(OPTIONS.gapMs - 1);
    expect([burst.holding, releases]).toEqual([true, 0]);

    vi.advanceTimersByTime(1);

    expect([burst.holding, releases]).toEqual([false, 1]);
    expect(burst.limit(CONCURRENCY)).toBe(CONCURRENCY);
  });

  it("lets deliveries wait in memory during a burst only, up to the held bytes", () => {
    expect(burst.mayHold(0, 10)).toBe(false);
    burst.storing();
    expect([burst.mayHold(0, 1_000), burst.mayHold(600, 400), burst.mayHold(600, 401)]).toEqual([true, true, false]);
  });

  it("never holds back more deliveries than the processor may run", () => {
    burst.storing();
    expect(burst.limit(2)).toBe(2);
  });

  it("keeps holding while a delivery is still being stored, however long the gap since the last one", () => {
    store(10);
    burst.storing();
    vi.advanceTimersByTime(OPTIONS.gapMs * 3);
    expect([burst.holding, releases]).toEqual([true, 0]);
  });

  it("is released even when its timer fires a fraction of a millisecond before the clock says the hold is over", () => {
    let lagMs = 0;
    const lagging = new IntakeBurst(OPTIONS, () => (releases += 1), () => Date.now() - lagMs);
    try {
      lagging.storing();
      lagMs = 0.5;
      vi.advanceTimersByTime(OPTIONS.holdMs);
      expect(releases).toBe(0);
      vi.advanceTimersByTime(1);
      expect([lagging.holding, releases]).toEqual([false, 1]);
    } finally {
      lagging.stop();
    }
  });

  it("lets a stream that lasts longer than the hold be processed alongside, and holds the next burst after a quiet gap", () => {
    const deliveries = Math.ceil(OPTIONS.holdMs / 100) + 5;
    const holding: boolean[] = [];
    for (let i = 0; i < deliveries; i += 1) {
      store(50);
      holding.push(burst.holding);
      vi.advanceTimersByTime(50);
    }
    expect(holding.slice(0, 10).every(Boolean)).toBe(true);
    expect(holding.slice(-5).some(Boolean)).toBe(false);
    expect(releases).toBe(1);

    vi.advanceTimersByTime(OPTIONS.gapMs);
    burst.storing();
    expect(burst.holding).toBe(true);
  });
});
