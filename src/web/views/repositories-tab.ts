import { isUnderWay, SERVICE_ITEMS, type OverallProgress, type ServiceActivity } from "../../domain/import-progress.js";
import { OVERALL_STATES, type OverallState, type RepositoryFilter, type RepositoryImport, type ServiceImport } from "../../domain/repository-imports.js";
import { SERVICES, type Service } from "../../storage/models/import-status.js";
import type { IntegrationSummary, RepositoryReport } from "../integration-reports.js";
import type { Viewer } from "../viewer.js";
import { formatTime, html, type SafeHtml } from "./html.js";
import { csrfField, integrationPath } from "./integration-page.js";
import { SERVICE_LABELS } from "./integrations-page.js";

const count = (value: number) => value.toLocaleString("en-US");
const plural = (value: number, one: string, many: string) => `${count(value)} ${value === 1 ? one : many}`;
const items = (service: Service, value: number) => plural(value, SERVICE_ITEMS[service].one, SERVICE_ITEMS[service].many);
const stateLabel = (state: OverallState) => state.replace("_", " ");

/** "about 4 minutes": an estimate is not worth more precision. */
export function roughDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return "less than a minute";
  if (minutes < 90) return `about ${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = Math.round(minutes / 60);
  return hours < 36 ? `about ${hours} hours` : `about ${Math.round(hours / 24)} days`;
}

/** What one service's import of a repository is doing, in a sentence, with a bar while a full import runs. */
function activityText(service: Service, activity: ServiceActivity, now: Date): SafeHtml {
  switch (activity.kind) {
    case "not_started":
      return html`Not started`;
    case "queued":
      return activity.startsAt ? html`Queued: starts at ${formatTime(activity.startsAt, { seconds: true })}` : html`Queued`;
    case "waiting":
      return html`${activity.reason}: waiting until ${formatTime(activity.until, { seconds: true })}`;
    case "stalled":
      return html`Waiting to resume after a restart (lease expires in ${Math.max(0, Math.ceil((activity.resumesAt.getTime() - now.getTime()) / 1000))} s)`;
    case "importing":
      return activity.expectedTotal
        ? html`<progress max="${activity.expectedTotal}" value="${activity.processed}"></progress> ${count(activity.processed)} of ${items(service, activity.expectedTotal)}`
        : html`Importing: ${items(service, activity.processed)} so far`;
    case "syncing":
      return html`Syncing changes: ${count(activity.processed)} so far`;
    case "done":
      if (activity.mode === "incremental") return activity.processed === 0 ? html`Up to date` : html`Synced ${count(activity.processed)} change${activity.processed === 1 ? "" : "s"}`;
      return html`Imported ${items(service, activity.processed)}`;
    case "failed":
      return html`<span class="bad-text">Failed: ${activity.error}</span>`;
    case "stopped":
      return html`Stopped`;
  }
}

function serviceLine(service: Service, status: ServiceImport, now: Date): SafeHtml {
  return html`<li data-service="${service}"><span class="badge ${status.state}">${SERVICE_LABELS[service]}</span> ${activityText(service, status.activity, now)}
    <br><small class="muted">Last synced ${formatTime(status.lastSyncedAt)}</small></li>`;
}

function storedCounts({ stored }: RepositoryImport): SafeHtml {
  return html`${plural(stored.commits, "commit", "commits")}<br>${plural(stored.pullRequests, "pull request", "pull requests")}<br>${plural(stored.reviews, "review", "reviews")}<br>${plural(stored.tickets, "ticket", "tickets")}`;
}

/** Whether any service of the repository is still moving: the page watches it. */
export const repositoryUnderWay = (repo: RepositoryImport) => Object.values(repo.services).some((status) => isUnderWay(status.activity));

type ListChanges = Partial<Record<"q" | "state" | "page" | "notice", string | number | undefined>>;

/** The filters of the list, for links and forms that come back to it as it was. */
function filterQuery({ query, state, page }: RepositoryFilter, changes: ListChanges = {}) {
  const fields = { q: query, state, page: page && page > 1 ? page : undefined, ...changes };
  const params = new URLSearchParams(Object.entries(fields).flatMap(([key, value]): [string, string][] => (value === undefined || value === "" ? [] : [[key, String(value)]])));
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** The repositories list with these filters (a redirect after an action keeps the person's place). */
export const repositoriesPath = (installationId: number, filter: RepositoryFilter, changes?: ListChanges) =>
  `/integrations/${installationId}/repositories${filterQuery(filter, changes)}`;

export interface RowContext {
  viewer: Viewer;
  installationId: number;
  admin: boolean;
  filter: RepositoryFilter;
  now: Date;
}

/** One repository's row: also what the live progress sends for each repository on screen. */
export function repositoryRow(repo: RepositoryImport, { viewer, installationId, admin, filter, now }: RowContext): SafeHtml {
  const busy = repo.state === "importing" || repo.state === "pending";
  const services = SERVICES.flatMap((service): [Service, ServiceImport][] => (repo.services[service] ? [[service, repo.services[service]]] : []));
  return html`<tr data-repository="${repo.githubId}">
  <th scope="row">${repo.fullName}</th>
  <td><span class="badge ${repo.state}">${stateLabel(repo.state)}</span></td>
  <td>${services.length === 0 ? html`<span class="muted">No service is on</span>` : html`<ul class="services">${services.map(([service, status]) => serviceLine(service, status, now))}</ul>`}</td>
  <td class="nowrap">${storedCounts(repo)}</td>
  ${
    admin
      ? html`<td><form class="inline" method="post" action="/integrations/${installationId}/repositories/${repo.githubId}/import${filterQuery(filter)}">${csrfField(viewer)}<button type="submit" aria-label="Import ${repo.fullName} again" ${busy ? html`disabled title="An import of this repository is under way"` : ""}>${repo.state === "not_started" ? "Import" : "Re-import"}</button></form></td>`
      : ""
  }
</tr>`;
}

/** The installation's full imports as one bar, with what is left and when it should end. */
export function overallProgressView(overall: OverallProgress | null, now: Date): SafeHtml {
  if (!overall) return html`<div id="overall"></div>`;
  const left = overall.estimatedEnd ? html` · ${roughDuration(overall.estimatedEnd.getTime() - now.getTime())} left (ends around ${formatTime(overall.estimatedEnd)})` : "";
  return html`<div id="overall" class="card">
  <label for="overall-bar">Importing</label>
  <progress id="overall-bar" max="${Math.max(overall.total, 1)}" value="${overall.processed}"></progress>
  ${count(overall.processed)} of ${count(overall.total)} records · ${count(overall.remainingImports)} repository import${overall.remainingImports === 1 ? "" : "s"} to go${left}
</div>`;
}

/** How many repositories the search matches, by state, each a link to the list of them. */
export function stateSummary(counts: Record<OverallState, number>, installationId: number, filter: RepositoryFilter): SafeHtml {
  const searched = OVERALL_STATES.reduce((total, state) => total + counts[state], 0);
  const link = (state: OverallState | undefined) => repositoriesPath(installationId, filter, { state, page: undefined });
  return html`<p id="state-summary">${count(searched)} ${searched === 1 ? "repository" : "repositories"}${filter.query ? html` matching “${filter.query}”` : ""}:
  ${OVERALL_STATES.filter((state) => counts[state] > 0).map(
    (state) => html`<a class="badge ${state}" href="${link(state)}" ${filter.state === state ? html`aria-current="true"` : ""}>${count(counts[state])} ${stateLabel(state)}</a> `,
  )}${filter.state ? html`<a href="${link(undefined)}">show all</a>` : ""}</p>`;
}

function pagination(report: RepositoryReport, summary: IntegrationSummary, filter: RepositoryFilter): SafeHtml {
  if (report.pageCount <= 1) return html``;
  const to = (page: number) => `${integrationPath(summary)}/repositories${filterQuery(filter, { page: page > 1 ? page : undefined })}`;
  return html`<nav class="pages" aria-label="Pages of repositories">
  ${report.page > 1 ? html`<a href="${to(report.page - 1)}" rel="prev">← Previous</a>` : ""}
  <span>Page ${report.page} of ${report.pageCount}</span>
  ${report.page < report.pageCount ? html`<a href="${to(report.page + 1)}" rel="next">Next →</a>` : ""}
</nav>`;
}

export function repositoriesTab(viewer: Viewer, summary: IntegrationSummary, report: RepositoryReport, filter: RepositoryFilter): SafeHtml {
  const now = new Date();
  const admin = summary.role === "admin";
  const shown = report.groups.flatMap((group) => group.repositories);
  const live = report.overall !== null || shown.some(repositoryUnderWay);
  const row = { viewer, installationId: summary.installationId, admin, filter, now };
  return html`<form method="get" class="row card" role="search">
  <div><label for="q">Search repositories</label><br><input id="q" name="q" type="search" value="${filter.query ?? ""}"></div>
  <div><label for="state">Import status</label><br><select id="state" name="state">
    <option value="">All</option>
    ${OVERALL_STATES.map((state) => html`<option value="${state}" ${filter.state === state ? "selected" : ""}>${stateLabel(state)}</option>`)}
  </select></div>
  <button type="submit">Filter</button>
</form>
<section id="repositories" ${live ? html`data-live="true"` : ""} data-progress="${integrationPath(summary)}/repositories/progress${filterQuery(filter)}" aria-live="polite">
${overallProgressView(report.overall, now)}
${stateSummary(report.counts, summary.installationId, filter)}
${
  shown.length === 0
    ? html`<p class="empty card">${
        summary.repositoryCount === 0
          ? "No repository is granted to this installation yet: choose repositories in the installation's settings on GitHub."
          : "No repository matches this search and filter."
      }</p>`
    : report.groups.map(
        (group) => html`<h2>${group.owner}</h2>
<div class="table-wrap"><table>
<thead><tr><th scope="col">Repository</th><th scope="col">Status</th><th scope="col">Services</th><th scope="col">Stored</th>${admin ? html`<th scope="col"><span class="muted">Actions</span></th>` : ""}</tr></thead>
<tbody>${group.repositories.map((repo) => repositoryRow(repo, row))}</tbody></table></div>`,
      )
}
${pagination(report, summary, filter)}
</section>`;
}
