/**
 * Exact order statistics of durations: the median is the middle value (the mean of the two middle ones for an even
 * count), p75 the nearest rank (the smallest value with at least 75 % of the values at or below it). Null when
 * there is no value.
 */
export interface Spread {
  count: number;
  median: number | null;
  p75: number | null;
}

export function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const count = sorted.length;
  if (count === 0) return { count, median: null, p75: null };
  const middle = Math.floor(count / 2);
  const median = count % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { count, median, p75: sorted[Math.ceil(0.75 * count) - 1]! };
}
