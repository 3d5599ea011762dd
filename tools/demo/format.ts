/** 12345 → "12,345": figures people read at a glance. */
export const count = (value: number) => value.toLocaleString("en-US");

/** 3 → "+3", 0 → "±0". */
export const delta = (value: number) => (value > 0 ? `+${count(value)}` : value === 0 ? "±0" : count(value));

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
