import { createHash } from "node:crypto";

/** A deterministic 32-bit seed from any parts: the same parts always give the same stream, in any access order. */
export function seedOf(...parts: Array<string | number>): number {
  return createHash("sha256").update(parts.join("\u0000")).digest().readUInt32LE(0);
}

/** Hex digest of the parts, for shas and other stable identifiers. */
export function hexOf(length: number, ...parts: Array<string | number>): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, length);
}

/** Seeded PRNG (mulberry32): small, fast and good enough for shaping fake data. Never Math.random. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  static of(...parts: Array<string | number>): Random {
    return new Random(seedOf(...parts));
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Small counts with a long tail (most PRs have few reviews, a few have many). */
  geometric(mean: number, max: number): number {
    const p = 1 / (mean + 1);
    let count = 0;
    while (count < max && !this.chance(p)) count += 1;
    return count;
  }

  /** A time between two instants (ms). */
  between(startMs: number, endMs: number): number {
    return startMs + Math.floor(this.next() * Math.max(0, endMs - startMs));
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i -= 1) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

/** Splits `total` into `parts` uneven but exact shares (largest remainder), deterministic for the seed. */
export function unevenSplit(total: number, parts: number, random: Random): number[] {
  if (parts === 0) return [];
  const weights = Array.from({ length: parts }, () => 0.5 + random.next() * 1.5);
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (w / sum) * total);
  const shares = exact.map(Math.floor);
  let remainder = total - shares.reduce((a, b) => a + b, 0);
  const byFraction = exact.map((value, index) => ({ index, fraction: value - Math.floor(value) })).sort((a, b) => b.fraction - a.fraction);
  for (const { index } of byFraction) {
    if (remainder === 0) break;
    shares[index]! += 1;
    remainder -= 1;
  }
  return shares;
}
