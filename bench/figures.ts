/** The value at percentile `p` of ascending `sorted` samples (nearest rank). */
export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

export const round1 = (value: number) => Math.round(value * 10) / 10;

/** `a ÷ b` to two decimals; 0 when there is nothing to divide by. */
export const ratio = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 100) / 100);
