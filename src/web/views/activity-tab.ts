import { ACTIVITY_KINDS, eventInWords, type ActivityKind } from "../../domain/activity.js";
import type { DeliveryState } from "../../storage/models/delivery.js";
import type { AuditActivity } from "../audit-activity.js";
import type { DeliveryActivity } from "../delivery-activity.js";
import type { ActivityReport, IntegrationSummary } from "../integration-reports.js";
import type { Sentence, SentencePart } from "../sentence.js";
import type { Viewer } from "../viewer.js";
import { formatTime, html, type SafeHtml } from "./html.js";
import { csrfField, integrationPath } from "./integration-page.js";
import { SERVICE_LABELS } from "./integrations-page.js";

/** Badge tone per state: dead needs someone, retrying may still recover, the rest are under way or done. */
const STATE_TONE: Record<DeliveryState, string> = { received: "", processing: "", retrying: "warn", processed: "ok", dead: "bad" };

const KIND_LABELS: Record<ActivityKind, string> = {
  all: "All activity",
  people: "Changes by people",
  github: "GitHub events",
  failed: "Failed deliveries",
};

const EMPTY_AUDIT: Record<Exclude<ActivityKind, "failed">, string> = {
  all: "Nothing recorded yet: changes made here, and what GitHub reports about the installation, appear here.",
  people: "Nobody has changed this integration in Tributary yet.",
  github: "GitHub has reported no change to the installation yet.",
};

const EMPTY_DELIVERIES: Record<Exclude<ActivityKind, "people">, string> = {
  all: "No deliveries received in the past week.",
  github: "No deliveries received in the past week.",
  failed: "No failing delivery: every delivery of the past week was processed, or is being processed.",
};

// Events come seconds apart: to the minute, a burst would look simultaneous.
const preciseTime = (date: Date) => formatTime(date, { seconds: true });

/** What the page needs besides the report to render a sentence: where links go, which deliveries are listed. */
interface Place {
  summary: IntegrationSummary;
  listedDeliveries: Set<string>;
}

export function activityTab(viewer: Viewer, summary: IntegrationSummary, activity: ActivityReport): SafeHtml {
  const place = { summary, listedDeliveries: new Set(activity.deliveries.map(({ deliveryId }) => deliveryId)) };
  return html`${filters(summary, activity.kind)}
${deadNotice(summary, activity)}
${activity.kind === "failed" ? "" : auditTrail(place, activity)}
${activity.kind === "people" ? "" : deliveriesSection(viewer, place, activity)}`;
}

const kindHref = (summary: IntegrationSummary, kind: ActivityKind) => `${integrationPath(summary)}/activity${kind === "all" ? "" : `?kind=${kind}`}`;

function filters(summary: IntegrationSummary, current: ActivityKind): SafeHtml {
  return html`<nav aria-label="Filter activity" class="row">${ACTIVITY_KINDS.map((kind) =>
    kind === current
      ? html`<a class="button primary" href="${kindHref(summary, kind)}" aria-current="page">${KIND_LABELS[kind]}</a>`
      : html`<a class="button" href="${kindHref(summary, kind)}">${KIND_LABELS[kind]}</a>`,
  )}</nav>`;
}

function deadNotice(summary: IntegrationSummary, { deadCount, kind }: ActivityReport): SafeHtml | string {
  if (deadCount === 0) return "";
  const admin = summary.role === "admin";
  return html`<p class="notice error" role="status"><strong>${deadCount} dead ${deadCount === 1 ? "delivery needs" : "deliveries need"} attention.</strong> ${
    admin ? "Fix what its reason names, then retry it." : "An owner of the organization can retry them once the cause is fixed."
  }${kind === "failed" ? "" : html` <a href="${kindHref(summary, "failed")}">Show failed deliveries</a>`}</p>`;
}

function auditTrail(place: Place, { audit, kind }: ActivityReport): SafeHtml {
  return html`<h2 id="audit-heading">Changes</h2>
<p class="muted">Who changed what, in Tributary or on GitHub, newest first.</p>
${
  audit.length === 0
    ? html`<p class="muted">${EMPTY_AUDIT[kind as keyof typeof EMPTY_AUDIT]}</p>`
    : html`<div class="table-wrap"><table aria-labelledby="audit-heading"><thead><tr><th scope="col">When</th><th scope="col">What happened</th></tr></thead><tbody>${audit.map(
        (entry) => html`<tr data-audit="${entry.action}"><td class="when">${preciseTime(entry.at)}</td><td>${sentenceHtml(place, entry.sentence)}${auditSource(place, entry)}</td></tr>`,
      )}</tbody></table></div>`
}`;
}

/** Where a change came from: the webhook delivery GitHub sent, or reconciliation; a person's own change needs none. */
function auditSource(place: Place, entry: AuditActivity): SafeHtml | string {
  if (entry.origin === "reconciliation") return html`<br><small class="muted">Found by the periodic reconciliation with GitHub: a webhook was missed.</small>`;
  if (!entry.deliveryId) return "";
  const [event = entry.action, action = null] = entry.action.split(".");
  return html`<br><small class="muted">${eventInWords(event, action)} (<code>${entry.action}</code>), delivery ${deliveryReference(place, entry.deliveryId)}</small>`;
}

function deliveriesSection(viewer: Viewer, place: Place, { deliveries, kind }: ActivityReport): SafeHtml {
  const admin = place.summary.role === "admin";
  return html`<h2 id="deliveries-heading">Webhook deliveries</h2>
<p class="muted">Each delivery is stored before GitHub is answered, then processed. A failed attempt is retried after a growing pause; after the last attempt the delivery is dead. Listed: the latest deliveries and every dead one, newest first.</p>
${
  deliveries.length === 0
    ? html`<p class="muted">${EMPTY_DELIVERIES[kind as keyof typeof EMPTY_DELIVERIES]}</p>`
    : html`<div class="table-wrap"><table aria-labelledby="deliveries-heading">
<thead><tr><th scope="col">Received</th><th scope="col">What happened</th><th scope="col">State</th><th scope="col">Reason</th>${
        admin ? html`<th scope="col"><span class="muted">Actions</span></th>` : ""
      }</tr></thead>
<tbody>${deliveries.map((delivery) => deliveryRow(viewer, place, delivery))}</tbody></table></div>`
}`;
}

const eventCode = ({ event, action }: DeliveryActivity) => (action ? `${event}.${action}` : event);

function deliveryRow(viewer: Viewer, place: Place, delivery: DeliveryActivity): SafeHtml {
  const { deliveryId, state, reason } = delivery;
  return html`<tr id="delivery-${deliveryId}" data-delivery="${deliveryId}" ${state === "dead" ? html`class="attention"` : ""}>
  <td class="when">${preciseTime(delivery.receivedAt)}</td>
  <td>${sentenceHtml(place, delivery.sentence)}<br><small class="muted"><code class="nowrap">${eventCode(delivery)}</code>, delivery ${shortId(deliveryId)}</small></td>
  <td><span class="badge ${STATE_TONE[state]}">${state}</span></td>
  <td class="reason">${reason ?? ""}</td>
  ${place.summary.role === "admin" ? html`<td>${state === "dead" ? retryForm(viewer, place.summary, delivery) : ""}</td>` : ""}
</tr>`;
}

function retryForm(viewer: Viewer, summary: IntegrationSummary, delivery: DeliveryActivity): SafeHtml {
  return html`<form class="inline" method="post" action="${integrationPath(summary)}/deliveries/${encodeURIComponent(delivery.deliveryId)}/retry">${csrfField(viewer)}<button type="submit" aria-label="Retry delivery ${delivery.deliveryId} (${eventCode(delivery)})">Retry</button></form>`;
}

/** GitHub's delivery ids are GUIDs: their first block tells them apart on one page; the whole id is on hover. */
function shortId(deliveryId: string): SafeHtml {
  const short = deliveryId.length > 12 ? `${deliveryId.slice(0, 8)}…` : deliveryId;
  return html`<code title="${deliveryId}">${short}</code>`;
}

/** A delivery named in a sentence: a link to its row when the page lists it. */
function deliveryReference({ listedDeliveries }: Place, deliveryId: string): SafeHtml {
  return listedDeliveries.has(deliveryId) ? html`<a href="#delivery-${deliveryId}">${shortId(deliveryId)}</a>` : shortId(deliveryId);
}

function sentenceHtml(place: Place, { parts }: Sentence): SafeHtml {
  return html`${parts.map((part) => partHtml(place, part))}`;
}

/** Repositories the installation grants link to their row on the Repositories tab, services to their switch on the Overview. */
function partHtml(place: Place, part: SentencePart): SafeHtml | string {
  const base = integrationPath(place.summary);
  if (typeof part === "string") return part;
  if ("person" in part) return html`<strong>${part.person}</strong>`;
  if ("repository" in part) {
    const { id, fullName } = part.repository;
    if (!fullName) return html`<span class="muted">repository ${id}</span>`;
    return part.repository.granted ? html`<a href="${base}/repositories?q=${encodeURIComponent(fullName)}">${fullName}</a>` : fullName;
  }
  if ("service" in part) return html`<a href="${base}#services-heading">${SERVICE_LABELS[part.service]}</a>`;
  if ("delivery" in part) return deliveryReference(place, part.delivery);
  return preciseTime(part.time);
}
