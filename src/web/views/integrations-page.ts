import type { IntegrationSummary } from "../integration-reports.js";
import type { Viewer } from "../viewer.js";
import { avatar, formatTime, html } from "./html.js";
import { page } from "./layout.js";

export const SERVICE_LABELS = { repos: "Repositories", pullRequests: "Pull requests", tickets: "Tickets" } as const;

export function servicesList(services: IntegrationSummary["services"]) {
  const on = (Object.keys(SERVICE_LABELS) as (keyof typeof SERVICE_LABELS)[]).filter((service) => services[service]);
  return on.length > 0 ? on.map((service) => SERVICE_LABELS[service]).join(", ") : html`<span class="muted">none</span>`;
}

export function problemsBadge(count: number, href: string) {
  return count === 0
    ? html`<span class="badge ok">No problems</span>`
    : html`<a class="badge bad" href="${href}">${count} ${count === 1 ? "problem" : "problems"}</a>`;
}

export function integrationsPage(viewer: Viewer, integrations: IntegrationSummary[], installUrl: string): string {
  const rows = integrations.map(
    (integration) => html`<tr>
  <td><span class="who">${avatar(integration.account.login, integration.account.avatarUrl)}${integration.account.login}</span></td>
  <td><a href="/integrations/${integration.installationId}">${integration.name}</a></td>
  <td><span class="badge ${integration.status}">${integration.status}</span></td>
  <td>${servicesList(integration.services)}</td>
  <td>${integration.repositoryCount}</td>
  <td>${formatTime(integration.lastSyncedAt)}</td>
  <td>${problemsBadge(integration.problemCount, `/integrations/${integration.installationId}/troubleshooting`)}</td>
</tr>`,
  );
  return page({
    title: "Integrations",
    viewer,
    body: html`<div class="row spread">
  <h1>Integrations</h1>
  <a class="button primary" href="${installUrl}">Add integration</a>
</div>
${
  integrations.length === 0
    ? html`<div class="card"><p>No integration you can access yet.</p>
<p><strong>Add integration</strong> installs Tributary on an organization on GitHub (an owner installs it; a member can request it).
The integration appears here by itself once it is installed. Already installed but not listed? Your GitHub account needs access to the organization's installation.</p></div>`
    : html`<div class="table-wrap"><table>
<caption class="muted">GitHub accounts where Tributary is installed and you have access</caption>
<thead><tr><th scope="col">Account</th><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Services</th><th scope="col">Repositories</th><th scope="col">Last sync</th><th scope="col">Problems</th></tr></thead>
<tbody>${rows}</tbody></table></div>`
}`,
  });
}
