import { describe, expect, it } from "vitest";
import { AdaptivePageSize } from "../../src/backfill/adaptive-page-size.js";

describe("adaptive page size", () => {
  it("starts at 25, halves on each timeout down to the minimum", () => {
    const pages = new AdaptivePageSize();
    expect(pages.size).toBe(25);
    pages.timedOut();
    expect(pages.size).toBe(12);
    pages.timedOut();
    pages.timedOut();
    pages.timedOut();
    pages.timedOut();
    expect(pages.size).toBe(1);
    expect(pages.canShrink).toBe(false);
  });

  it("grows back by half after three successes in a row, never past the maximum", () => {
    const pages = new AdaptivePageSize(10, 1, 20);
    pages.succeeded();
    pages.succeeded();
    expect(pages.size).toBe(10);
    pages.succeeded();
    expect(pages.size).toBe(15);
    for (let i = 0; i < 9; i += 1) pages.succeeded();
    expect(pages.size).toBe(20);
  });

  it("restarts the success count after a timeout", () => {
    const pages = new AdaptivePageSize(10);
    pages.succeeded();
    pages.succeeded();
    pages.timedOut();
    pages.succeeded();
    expect(pages.size).toBe(5);
  });

  it("grows back no further than the largest size that answered, once a larger one timed out", () => {
    const pages = new AdaptivePageSize(25, 1, 50);
    for (let i = 0; i < 3; i += 1) pages.succeeded();
    expect(pages.size).toBe(38);
    for (let i = 0; i < 3; i += 1) pages.succeeded();
    expect(pages.size).toBe(50);
    pages.timedOut();
    expect(pages.size).toBe(25);
    for (let i = 0; i < 30; i += 1) pages.succeeded();
    expect(pages.size).toBe(38);
  });

  it("after a timeout at a size that answered before, stays below it", () => {
    const pages = new AdaptivePageSize(25, 1, 50);
    for (let i = 0; i < 6; i += 1) pages.succeeded();
    pages.timedOut();
    pages.timedOut();
    expect(pages.size).toBe(12);
    for (let i = 0; i < 30; i += 1) pages.succeeded();
    // 50 and then 25 timed out: 24 at most.
    expect(pages.size).toBe(24);
  });
});
