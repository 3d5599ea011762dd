import type { Service } from "../storage/models/import-status.js";
import type { Integration } from "../storage/models/integration.js";
import type { Repository } from "../storage/models/repository.js";

export type IngestionDecision = { ingest: true } | { ingest: false; reason: string };

/**
 * Whether data for `service` may be stored for this repository: only for an active integration with the service
 * on, and only for a repository the installation grants — or granted when the event happened: after an outage,
 * redeliveries arrive together and in no set order, and the events from before a repository's removal from the
 * installation are still the installation's data (GitHub would have had them processed first). Everything else is
 * acknowledged and dropped.
 */
export function ingestionDecision(
  integration: Pick<Integration, "status" | "services"> | null,
  repository: Pick<Repository, "granted" | "grantChangedAt"> | null,
  service: Service,
  occurredAt: Date | null,
): IngestionDecision {
  if (!integration) return { ingest: false, reason: "unknown installation" };
  if (integration.status !== "active") return { ingest: false, reason: `integration ${integration.status}` };
  if (!integration.services[service]) return { ingest: false, reason: `service ${service} is off` };
  if (!repository) return { ingest: false, reason: "repository not granted to the installation" };
  const grantedThen = !repository.granted && occurredAt !== null && occurredAt <= repository.grantChangedAt;
  if (!repository.granted && !grantedThen) return { ingest: false, reason: "repository not granted to the installation" };
  return { ingest: true };
}

type Timed = { updated_at?: unknown; submitted_at?: unknown; timestamp?: unknown } | null | undefined;

const timeOf = (value: unknown): Date | null => {
  const time = typeof value === "string" ? new Date(value) : null;
  return time && !Number.isNaN(time.getTime()) ? time : null;
};

/**
 * When the change a webhook reports happened, from the object it is about (a comment, a review, a pull request, an
 * issue, a push's head commit); null when the payload does not say.
 */
export function occurredAt(payload: { comment?: Timed; review?: Timed; pull_request?: Timed; issue?: Timed; head_commit?: Timed }): Date | null {
  const { comment, review, pull_request, issue, head_commit } = payload;
  return (
    timeOf(comment?.updated_at) ?? timeOf(review?.submitted_at) ?? timeOf(pull_request?.updated_at) ?? timeOf(issue?.updated_at) ?? timeOf(head_commit?.timestamp)
  );
}
