/** The value at percentile `p` of ascending `sorted` samples (nearest rank). */
export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

export const round1 = (value: number) => Math.round(value * 10) / 10;

