import { requestRefresh } from "../backfill/control.js";
import type { RepositoryScope } from "../domain/github-values.js";
import type { Service } from "../storage/models/import-status.js";

/**
 * Asks the background backfill to re-read, incrementally, what a payload lacks (a pull request's commits, comment
 * counts, a push's line counts). Nothing calls GitHub inside the webhook request; the queue keeps one job per
 * repository and service, so a burst of events costs one re-read. Only called past the ingestion gate.
 */
export async function refreshLater(scope: RepositoryScope, service: Service): Promise<void> {
  await requestRefresh({ ...scope, service });
}
