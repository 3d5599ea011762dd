import { hours, reportTable, type ReportTable } from "../../reports/csv.js";
import type { IntegrationReport } from "../../reports/integration-report.js";
import type { Spread } from "../../reports/statistics.js";
import type { IntegrationSummary } from "../integration-reports.js";
import { DEFAULT_REPORT_WEEKS, type ReportRequest } from "../report-inputs.js";
import { chart, type ChartSpec } from "./charts.js";
import { html, type SafeHtml } from "./html.js";
import { integrationPath } from "./integration-page.js";

const PERIODS = [4, 8, DEFAULT_REPORT_WEEKS, 26, 52];
const inHours = (value: number) => `${Math.round(value * 10) / 10} h`;
const percent = (value: number) => `${Math.round(value)} %`;
/** Weeks as their Monday, without the year: "03-02". */
const shortWeek = (week: string) => week.slice(5);
const medianHours = (spread: Spread) => hours(spread.median);

/** The query that asks for this report again (the CSV links and the filter keep it). */
function reportQuery(request: ReportRequest, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams(extra);
  query.set("weeks", String(request.weeks));
  if (request.repositoryIds) query.set("repositories", request.repositoryIds.join(","));
  if (request.personId !== undefined) query.set("person", String(request.personId));
  return query.toString();
}

export function reportsTab(summary: IntegrationSummary, report: IntegrationReport, request: ReportRequest): SafeHtml {
  const base = integrationPath(summary);
  const names = new Map(report.repositories.map((repository) => [repository.id, repository.fullName]));
  const weeks = report.weeks.map(shortWeek);
  const section = (id: ReportTable, title: string, explanation: string, charts: ChartSpec[]) =>
    reportSection({ id, title, explanation, charts, table: reportTable(report, id, (repositoryId) => names.get(repositoryId) ?? String(repositoryId)), csv: `${base}/reports.csv?${reportQuery(request, { table: id })}` });
  const people = new Map(report.reviewers.filter(({ reviewer }) => reviewer).map(({ reviewer }) => [reviewer!.id, reviewer!.login]));
  return html`${filterForm(base, report, request)}
<p class="muted">Weeks start on Monday (UTC). People are told apart by their GitHub id; bots are counted apart. Durations in hours.
${report.personId !== null ? html` Showing the work of ${people.get(report.personId) ?? `GitHub user ${report.personId}`} only.` : ""}</p>
${section("cycle-time", "Cycle time", "From a pull request's first commit to its merge: coding (first commit → opened), pickup (ready for review → first review; time in draft is not counted) and review (first review → merged), medians per week of merge.", [
    { kind: "stacked", title: "Median coding, pickup and review time per week, in hours", categories: weeks, format: inHours, series: [
      { name: "Coding", values: report.cycleTime.map((row) => medianHours(row.coding)) },
      { name: "Pickup", values: report.cycleTime.map((row) => medianHours(row.pickup)) },
      { name: "Review", values: report.cycleTime.map((row) => medianHours(row.review)) },
    ] },
  ])}
${report.cappedCommitLists.length > 0 ? cappedNotice(report, names) : ""}
${section("throughput", "Throughput", "Pull requests merged, commits on default branches and people who authored them, per week.", [
    { kind: "bars", title: "Pull requests merged per week, people and bots", categories: weeks, series: [
      { name: "Merged", values: report.throughput.map((row) => row.merged) },
      { name: "Merged (bots)", values: report.throughput.map((row) => row.mergedByBots) },
    ] },
    { kind: "lines", title: "Commits and active contributors per week", categories: weeks, series: [
      { name: "Commits", values: report.throughput.map((row) => row.commits) },
      { name: "Active contributors", values: report.throughput.map((row) => row.activeContributors) },
    ] },
  ])}
${section("review", "Review coverage", "Share of merged pull requests with at least one approving review, and the time to their first review (the pickup time).", [
    { kind: "lines", title: "Share of merged pull requests approved, per week", categories: weeks, format: percent, maximum: 100, series: [
      { name: "Approved", values: report.review.map((row) => (row.approvedShare === null ? null : Math.round(row.approvedShare * 1000) / 10)) },
    ] },
  ])}
${section("reviewers", "Reviews per reviewer", "Reviews submitted in the period, per reviewer (their GitHub id in the table: give it as the person to see their work).", [
    { kind: "bars", title: "Reviews per reviewer, the ten most active", categories: report.reviewers.slice(0, 10).map((row) => row.reviewer?.login ?? "ghost"), series: [
      { name: "Reviews", values: report.reviewers.slice(0, 10).map((row) => row.reviews) },
    ] },
  ])}
${section("unreviewed", "Merged without approval", "Pull requests by people merged in the period with no approving review.", [])}
${section("size", "Pull request size", "Merged pull requests by lines changed (additions + deletions), and their cycle time.", [
    { kind: "bars", title: "Merged pull requests per size band", categories: report.size.map((row) => row.band), series: [{ name: "Merged", values: report.size.map((row) => row.merged) }] },
    { kind: "bars", title: "Median cycle time per size band, in hours", categories: report.size.map((row) => row.band), format: inHours, series: [{ name: "Median cycle time", values: report.size.map((row) => medianHours(row.cycle)) }] },
  ])}
${section("tickets", "Tickets", "Issues opened and closed per week, and their lead time (opened → closed) for those closed that week.", [
    { kind: "bars", title: "Tickets opened and closed per week", categories: weeks, series: [
      { name: "Opened", values: report.tickets.map((row) => row.opened) },
      { name: "Closed", values: report.tickets.map((row) => row.closed) },
    ] },
  ])}`;
}

function filterForm(base: string, report: IntegrationReport, request: ReportRequest): SafeHtml {
  const chosen = request.repositoryIds?.length === 1 ? request.repositoryIds[0] : undefined;
  return html`<form method="get" action="${base}/reports" class="row card" aria-label="Report period and scope">
  <div><label for="weeks">Period</label><br><select id="weeks" name="weeks">${PERIODS.map(
    (weeks) => html`<option value="${weeks}" ${weeks === request.weeks ? html`selected` : ""}>Last ${weeks} weeks</option>`,
  )}</select></div>
  <div><label for="repositories">Repository</label><br><select id="repositories" name="repositories"><option value="">All repositories</option>${report.repositories.map(
    (repository) => html`<option value="${repository.id}" ${repository.id === chosen ? html`selected` : ""}>${repository.fullName}</option>`,
  )}</select></div>
  <div><label for="person">Person (GitHub id)</label><br><input id="person" name="person" inputmode="numeric" pattern="[0-9]*" value="${request.personId ?? ""}" size="12"></div>
  <button type="submit">Show</button>
</form>`;
}

interface SectionOptions {
  id: ReportTable;
  title: string;
  explanation: string;
  charts: ChartSpec[];
  table: { header: string[]; rows: (string | number | null)[][] };
  csv: string;
}

function reportSection({ id, title, explanation, charts, table, csv }: SectionOptions): SafeHtml {
  return html`<section class="card report" aria-labelledby="report-${id}">
  <div class="row spread"><h2 id="report-${id}">${title}</h2><a class="button" href="${csv}" download>Download CSV</a></div>
  <p class="muted">${explanation}</p>
  <div class="report-grid">
    ${charts.length > 0 ? html`<div>${charts.map((spec) => html`<figure>${chart(spec)}</figure>`)}</div>` : ""}
    <div class="table-wrap">${table.rows.length === 0 ? html`<p class="muted">None in this period.</p>` : html`<table>
      <caption class="muted">${title}: the numbers${charts.length > 0 ? " charted" : ""}</caption>
      <thead><tr>${table.header.map((name) => html`<th scope="col">${name}</th>`)}</tr></thead>
      <tbody>${table.rows.map((row) => html`<tr>${row.map((cell) => html`<td>${cell ?? "—"}</td>`)}</tr>`)}</tbody>
    </table>`}</div>
  </div>
</section>`;
}

function cappedNotice(report: IntegrationReport, names: Map<number, string>): SafeHtml {
  return html`<p class="notice" role="note">GitHub lists at most 250 commits of a pull request: the coding time of
${report.cappedCommitLists.map((pr, index) => html`${index > 0 ? ", " : ""}${names.get(pr.repositoryId) ?? pr.repositoryId}#${pr.number}`)} may start later than their first commit.</p>`;
}
