/** Reports count in weeks starting Monday 00:00 UTC, named by that day ("2026-03-02"). */

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** The Monday (UTC) of the week holding `at`, as its name. */
export function weekOf(at: Date | number): string {
  const time = typeof at === "number" ? at : at.getTime();
  const day = Math.floor(time / DAY_MS);
  // 1970-01-01 was a Thursday: day 0 is 3 days after a Monday.
  const monday = day - ((day + 3) % 7);
  return new Date(monday * DAY_MS).toISOString().slice(0, 10);
}

/** The `count` weeks ending with the one holding `until`, oldest first. */
export function weeksUntil(until: Date, count: number): string[] {
  const last = Date.parse(weekOf(until));
  return Array.from({ length: count }, (_, index) => new Date(last - (count - 1 - index) * WEEK_MS).toISOString().slice(0, 10));
}
