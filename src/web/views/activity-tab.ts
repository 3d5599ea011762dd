import type { DeliveryState } from "../../storage/models/delivery.js";
import type { DeliveryActivity } from "../delivery-activity.js";
import type { ActivityReport, IntegrationSummary } from "../integration-reports.js";
import type { Viewer } from "../viewer.js";
import { formatTime, html, type SafeHtml } from "./html.js";
import { csrfField, integrationPath } from "./integration-page.js";

/** Badge tone per state: dead needs someone, retrying may still recover, the rest are under way or done. */
const STATE_TONE: Record<DeliveryState, string> = { received: "", processing: "", retrying: "warn", processed: "ok", dead: "bad" };

const eventName = ({ event, action }: DeliveryActivity) => (action ? `${event}.${action}` : event);
// Deliveries come seconds apart: to the minute, a burst would look simultaneous.
const preciseTime = (date: Date) => formatTime(date, { seconds: true });

export function activityTab(viewer: Viewer, summary: IntegrationSummary, activity: ActivityReport): SafeHtml {
  return html`${auditTrail(activity.audit)}
${deliveriesSection(viewer, summary, activity)}`;
}

function auditTrail(audit: ActivityReport["audit"]): SafeHtml {
  return html`<h2>Audit trail</h2>
${
  audit.length === 0
    ? html`<p class="muted">Nothing recorded yet.</p>`
    : html`<div class="table-wrap"><table><thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Who</th></tr></thead><tbody>${audit.map(
        (entry) => html`<tr><td>${formatTime(entry.at)}</td><td><code>${entry.action}</code></td><td>${entry.actor?.login ?? html`<span class="muted">GitHub / reconciliation</span>`}</td></tr>`,
      )}</tbody></table></div>`
}`;
}

function deliveriesSection(viewer: Viewer, summary: IntegrationSummary, { deadCount, deliveries }: ActivityReport): SafeHtml {
  const admin = summary.role === "admin";
  return html`<h2 id="deliveries-heading">Webhook deliveries</h2>
<p class="muted">Each delivery is stored before GitHub is answered, then processed. A failed attempt is retried after a growing pause; after the last attempt the delivery is dead. Listed: the latest deliveries and every dead one, newest first.</p>
${
  deadCount > 0
    ? html`<p class="notice error" role="status"><strong>${deadCount} dead ${deadCount === 1 ? "delivery needs" : "deliveries need"} attention.</strong> ${
        admin ? "Fix what its reason names, then retry it below." : "An owner of the organization can retry them once the cause is fixed."
      }</p>`
    : ""
}
${
  deliveries.length === 0
    ? html`<p class="muted">No deliveries received in the past week.</p>`
    : html`<div class="table-wrap"><table aria-labelledby="deliveries-heading">
<thead><tr><th scope="col">Received</th><th scope="col">Event</th><th scope="col">Repository</th><th scope="col">State</th><th scope="col">Attempts</th><th scope="col">Next attempt</th><th scope="col">Reason</th>${
        admin ? html`<th scope="col"><span class="muted">Actions</span></th>` : ""
      }</tr></thead>
<tbody>${deliveries.map((delivery) => deliveryRow(viewer, summary, delivery))}</tbody></table></div>`
}`;
}

function deliveryRow(viewer: Viewer, summary: IntegrationSummary, delivery: DeliveryActivity): SafeHtml {
  const { deliveryId, state, repository, nextAttemptAt, reason } = delivery;
  const admin = summary.role === "admin";
  return html`<tr data-delivery="${deliveryId}" ${state === "dead" ? html`class="attention"` : ""}>
  <td class="when">${preciseTime(delivery.receivedAt)}</td>
  <td><code class="nowrap">${eventName(delivery)}</code><br><small class="muted">Delivery <code>${deliveryId}</code></small></td>
  <td>${repository ? (repository.fullName ?? html`<span class="muted">repository ${repository.id}</span>`) : html`<span class="muted">none</span>`}</td>
  <td><span class="badge ${STATE_TONE[state]}">${state}</span></td>
  <td>${delivery.attempts}</td>
  <td class="when">${nextAttemptAt ? preciseTime(nextAttemptAt) : ""}</td>
  <td class="reason">${reason ?? ""}</td>
  ${admin ? html`<td>${state === "dead" ? retryForm(viewer, summary, delivery) : ""}</td>` : ""}
</tr>`;
}

function retryForm(viewer: Viewer, summary: IntegrationSummary, delivery: DeliveryActivity): SafeHtml {
  return html`<form class="inline" method="post" action="${integrationPath(summary)}/deliveries/${encodeURIComponent(delivery.deliveryId)}/retry">${csrfField(viewer)}<button type="submit" aria-label="Retry delivery ${delivery.deliveryId} (${eventName(delivery)})">Retry</button></form>`;
}
