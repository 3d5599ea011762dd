import type { Service } from "../storage/models/import-status.js";
import type { Integration } from "../storage/models/integration.js";
import type { Repository } from "../storage/models/repository.js";

export type IngestionDecision = { ingest: true } | { ingest: false; reason: string };

/**
 * Whether data for `service` may be stored for this repository: only for an active integration with the service
 * on, and only for a repository the installation currently grants. Everything else is acknowledged and dropped.
 */
export function ingestionDecision(
  integration: Pick<Integration, "status" | "services"> | null,
  repository: Pick<Repository, "granted"> | null,
  service: Service,
): IngestionDecision {
  if (!integration) return { ingest: false, reason: "unknown installation" };
  if (integration.status !== "active") return { ingest: false, reason: `integration ${integration.status}` };
  if (!integration.services[service]) return { ingest: false, reason: `service ${service} is off` };
  if (!repository?.granted) return { ingest: false, reason: "repository not granted to the installation" };
  return { ingest: true };
}
