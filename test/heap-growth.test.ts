import { describe, expect, it, vi } from "vitest";
import { HEAP_GROWTH_PERCENT, letHeapGrowForBursts } from "../src/heap-growth.js";

describe("the heap's growth between full collections", () => {
  it("is set to the app's own factor when node was started without one", () => {
    const setFlags = vi.fn();
    letHeapGrowForBursts(["--import", "tsx"], setFlags);
    expect(setFlags).toHaveBeenCalledExactlyOnceWith(`--heap-growing-percent=${HEAP_GROWTH_PERCENT}`);
  });

  it("is left to an operator who started node with a factor of their own", () => {
    const setFlags = vi.fn();
    letHeapGrowForBursts(["--import", "tsx", "--heap-growing-percent=300"], setFlags);
    letHeapGrowForBursts(["--heap-growing-percent", "300"], setFlags);
    expect(setFlags).not.toHaveBeenCalled();
  });
});
