import type { Person } from "./people.js";
import type { Report } from "./report.js";
import type { Spread } from "./statistics.js";

/** The tables of a report, each downloadable as CSV (and shown beside its chart). */
export const REPORT_TABLES = ["cycle-time", "throughput", "review", "reviewers", "unreviewed", "size", "tickets"] as const;
export type ReportTable = (typeof REPORT_TABLES)[number];

type Cell = string | number | null;

const HOUR_MS = 3_600_000;
/** Durations in hours, to two decimals: what people read. */
export const hours = (ms: number | null) => (ms === null ? null : Math.round((ms / HOUR_MS) * 100) / 100);
const spreadCells = (spread: Spread) => [hours(spread.median), hours(spread.p75)];
const spreadHeaders = (name: string) => [`${name} median (h)`, `${name} p75 (h)`];
const login = (person: Person | null) => person?.login ?? "ghost";

/** A table's header and rows, as the Reports tab and the CSV show them. */
export function reportTable(report: Report, table: ReportTable, repositoryName: (id: number) => string): { header: string[]; rows: Cell[][] } {
  switch (table) {
    case "cycle-time":
      return {
        header: ["week", "merged", ...spreadHeaders("coding"), ...spreadHeaders("pickup"), ...spreadHeaders("review"), ...spreadHeaders("cycle")],
        rows: report.cycleTime.map((row) => [row.week, row.merged, ...spreadCells(row.coding), ...spreadCells(row.pickup), ...spreadCells(row.review), ...spreadCells(row.cycle)]),
      };
    case "throughput":
      return {
        header: ["week", "merged", "merged by bots", "commits", "commits by bots", "active contributors"],
        rows: report.throughput.map((row) => [row.week, row.merged, row.mergedByBots, row.commits, row.commitsByBots, row.activeContributors]),
      };
    case "review":
      return {
        header: ["week", "merged", "approved", "approved %", ...spreadHeaders("time to first review")],
        rows: report.review.map((row) => [row.week, row.merged, row.approved, row.approvedShare === null ? null : Math.round(row.approvedShare * 1000) / 10, ...spreadCells(row.timeToFirstReview)]),
      };
    case "reviewers":
      return { header: ["reviewer", "GitHub id", "bot", "reviews"], rows: report.reviewers.map((row) => [login(row.reviewer), row.reviewer?.id ?? null, row.bot ? "yes" : "no", row.reviews]) };
    case "unreviewed":
      return {
        header: ["week merged", "repository", "number", "title", "author"],
        rows: report.unreviewedMerges.map((pr) => [pr.week, repositoryName(pr.repositoryId), pr.number, pr.title, login(pr.author)]),
      };
    case "size":
      return { header: ["size (lines)", "up to", "merged", ...spreadHeaders("cycle")], rows: report.size.map((row) => [row.band, row.maxLines, row.merged, ...spreadCells(row.cycle)]) };
    case "tickets":
      return { header: ["week", "opened", "closed", ...spreadHeaders("lead time")], rows: report.tickets.map((row) => [row.week, row.opened, row.closed, ...spreadCells(row.lead)]) };
  }
}

/** RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled. A leading =, +, - or @ is defused. */
export function toCsv({ header, rows }: { header: string[]; rows: Cell[][] }): string {
  const field = (cell: Cell) => {
    if (cell === null) return "";
    const text = typeof cell === "string" && /^[=+\-@]/.test(cell) ? `'${cell}` : String(cell);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [header, ...rows].map((row) => row.map(field).join(",")).join("\r\n") + "\r\n";
}
