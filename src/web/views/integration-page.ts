import type { Problem } from "../../domain/troubleshooting.js";
import type { ConnectionCheck } from "../../storage/models/connection-check.js";
import { SERVICES } from "../../storage/models/import-status.js";
import type { ConnectionReport } from "../connection-check.js";
import type { IntegrationSummary } from "../integration-reports.js";
import type { Viewer } from "../viewer.js";
import type { FormProblems } from "../inputs.js";
import { fieldState } from "./forms.js";
import { avatar, formatTime, html, type SafeHtml } from "./html.js";
import { SERVICE_LABELS, problemsBadge } from "./integrations-page.js";
import { page } from "./layout.js";
import type { PageScript } from "./scripts.js";

export const TABS = {
  overview: { path: "", label: "Overview" },
  repositories: { path: "/repositories", label: "Repositories" },
  connection: { path: "/connection", label: "Test connection" },
  troubleshooting: { path: "/troubleshooting", label: "Troubleshooting" },
  activity: { path: "/activity", label: "Activity" },
  reports: { path: "/reports", label: "Reports" },
} as const;

export type Tab = keyof typeof TABS;

const NOTICES: Record<string, string> = {
  renamed: "Integration renamed.",
  "service-enabled": "Service turned on: its import has been queued.",
  "service-disabled": "Service turned off: its imports were stopped.",
  "reimport-queued": "Import queued.",
  "delivery-retried": "Delivery queued again: it is processed within seconds.",
};

/** Notices about imports, which the live repositories list removes once nothing on screen is importing. */
const UNTIL_IMPORTS_END = new Set(["reimport-queued", "service-enabled"]);

export interface IntegrationPageOptions {
  viewer: Viewer;
  summary: IntegrationSummary;
  tab: Tab;
  content: SafeHtml;
  notice?: string;
  script?: PageScript;
}

export const integrationPath = (summary: IntegrationSummary) => `/integrations/${summary.installationId}`;
export const csrfField = (viewer: Viewer) => html`<input type="hidden" name="_csrf" value="${viewer.csrfToken}">`;

export function integrationPage({ viewer, summary, tab, content, notice, script }: IntegrationPageOptions): string {
  const noticeText = notice ? NOTICES[notice] : undefined;
  return page({
    title: `${summary.name} · ${TABS[tab].label}`,
    viewer,
    script,
    body: html`<p><a href="/integrations">← Integrations</a></p>
<h1 class="who">${avatar(summary.account.login, summary.account.avatarUrl)}${summary.name}
  <span class="badge ${summary.status}">${summary.status}</span></h1>
${noticeText ? html`<p class="notice" role="status" ${UNTIL_IMPORTS_END.has(notice!) ? html`data-until-done` : ""}>${noticeText}</p>` : ""}
<nav aria-label="Integration"><ul class="tabs">${Object.entries(TABS).map(
      ([key, { path, label }]) =>
        html`<li><a href="${integrationPath(summary)}${path}" ${key === tab ? html`aria-current="page"` : ""}>${label}${key === "troubleshooting" && summary.problemCount > 0 ? ` (${summary.problemCount})` : ""}</a></li>`,
    )}</ul></nav>
${content}`,
  });
}

/** Why a member's controls are disabled, on hover. */
const OWNERS_ONLY = "Only owners of the organization can change this";

/** `form`: the rename form sent back with its problems. */
export function overviewTab(viewer: Viewer, summary: IntegrationSummary, form?: FormProblems): SafeHtml {
  const admin = summary.role === "admin";
  const disabled = admin ? "" : html`disabled title="${OWNERS_ONLY}"`;
  const name = fieldState("name", "name", summary.name, form);
  return html`<section class="card" aria-labelledby="about">
  <h2 id="about">About</h2>
  <dl>
    <dt>GitHub account</dt><dd>${summary.account.login} (${summary.account.type})</dd>
    <dt>Repositories</dt><dd>${summary.repositoryCount} (${summary.repositorySelection === "all" ? "all repositories" : "selected repositories"})</dd>
    <dt>Last sync</dt><dd>${formatTime(summary.lastSyncedAt)}</dd>
    <dt>Problems</dt><dd>${problemsBadge(summary.problemCount, `${integrationPath(summary)}/troubleshooting`)}</dd>
    <dt>Your role</dt><dd>${admin ? "Owner: you can change this integration" : "Member: you can view this integration; owners change it"}</dd>
  </dl>
</section>
<section class="card" aria-labelledby="name-heading">
  <h2 id="name-heading">Name</h2>
  <form method="post" action="${integrationPath(summary)}/name" class="row" novalidate>
    ${csrfField(viewer)}
    <div><label for="name">Integration name</label><br><input id="name" name="name" value="${name.value}" required maxlength="100" ${name.attributes} ${disabled}>${name.message}</div>
    <button type="submit" ${disabled}>Rename</button>
  </form>
</section>
<section class="card" aria-labelledby="services-heading">
  <h2 id="services-heading">Services</h2>
  <p class="muted">Changes take effect at once: turning a service on imports its data; turning it off stops its imports.</p>
  ${SERVICES.map(
    (service) => html`<form method="post" action="${integrationPath(summary)}/services/${service}" class="switch">
    ${csrfField(viewer)}
    <input type="hidden" name="enabled" value="${summary.services[service] ? "false" : "true"}">
    <button type="submit" role="switch" aria-checked="${summary.services[service] ? "true" : "false"}" aria-labelledby="service-${service}" ${disabled}></button>
    <span id="service-${service}">${SERVICE_LABELS[service]}</span>
  </form>`,
  )}
  ${admin ? "" : html`<p class="muted">${OWNERS_ONLY}.</p>`}
</section>`;
}

export function connectionTab(viewer: Viewer, summary: IntegrationSummary, report: ConnectionReport | null, last: ConnectionCheck | null): SafeHtml {
  return html`<section class="card">
  <p>Tests the connection as Tributary uses it: mints an installation token, lists the repositories it can read, compares the granted permissions with the ones the app needs, reads the rate limit left, and counts failed webhook deliveries.</p>
  <form method="post" action="${integrationPath(summary)}/connection">${csrfField(viewer)}<button class="primary" type="submit">Test connection</button></form>
</section>
${report ? connectionReport(summary, report) : last ? html`<p class="muted">Last test ${formatTime(last.checkedAt)}: ${last.ok ? "connected" : (last.error ?? "connected with problems (see Troubleshooting)")}.</p>` : ""}`;
}

function connectionReport(summary: IntegrationSummary, report: ConnectionReport): SafeHtml {
  return html`<section class="card ${report.ok ? "" : "problem"}" aria-labelledby="result">
  <h2 id="result" role="status">${report.ok ? "✓ " : "✗ "}${report.message}</h2>
  ${
    report.reachable
      ? html`<dl>
    <dt>Accessible repositories</dt><dd>${report.repositories.length}${report.repositories.length > 0 ? html`: ${report.repositories.slice(0, 20).join(", ")}${report.repositories.length > 20 ? ", …" : ""}` : ""}</dd>
    <dt>Permissions</dt><dd>${report.missingPermissions.length === 0 ? "All required permissions are granted" : html`Missing: ${report.missingPermissions.join(", ")}`}</dd>
    <dt>Rate limit</dt><dd>${report.rateLimit ? html`${report.rateLimit.remaining} of ${report.rateLimit.limit} requests left, resets ${formatTime(report.rateLimit.resetAt)}` : "unknown"}</dd>
  </dl>`
      : html`<p>See <a href="troubleshooting">Troubleshooting</a> for how to fix it.</p>`
  }
  ${failedDeliveries(summary, report.failedDeliveries)}
</section>`;
}

/** Both sides, apart: each kind of failure is recovered differently. */
function failedDeliveries(summary: IntegrationSummary, { github, dead }: ConnectionReport["failedDeliveries"]): SafeHtml {
  return html`<h3>Failed webhook deliveries</h3>
  <dl>
    <dt>Not delivered by GitHub</dt><dd>${github ?? "unknown"}
      <span class="muted">— recent deliveries GitHub could not make to Tributary; Tributary asks GitHub to redeliver them automatically.</span></dd>
    <dt>Dead in Tributary's inbox</dt><dd>${dead}
      <span class="muted">— received, but failed on every processing attempt; an owner can retry them from <a href="${integrationPath(summary)}/activity">Activity</a>.</span></dd>
  </dl>`;
}

export function troubleshootingTab(problems: Problem[]): SafeHtml {
  if (problems.length === 0) {
    return html`<section class="card"><h2>No problems detected</h2><p class="muted">Run <a href="connection">Test connection</a> to check the live connection, rate limit and webhook deliveries too.</p></section>`;
  }
  return html`${problems.map(
    (problem) => html`<section class="card problem" aria-labelledby="problem-${problem.code}">
  <h2 id="problem-${problem.code}">${problem.title}</h2>
  <p>${problem.detail}</p>
  <p><strong>Fix:</strong> ${problem.fix}</p>
  <p><a href="${problem.link.href}" rel="noopener noreferrer">${problem.link.label}</a></p>
</section>`,
  )}`;
}
