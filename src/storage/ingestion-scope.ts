import { ingestionDecision, type IngestionDecision } from "../domain/ingestion-scope.js";
import type { Service } from "./models/import-status.js";
import { IntegrationModel } from "./models/integration.js";
import { RepositoryModel } from "./models/repository.js";

/** Reads what `ingestionDecision` needs for one repository of one installation. */
/** `occurredAt`: when the change being stored happened, for webhooks (see ingestionDecision); a backfill reads what is granted now. */
export async function decideIngestion(installationId: number, repositoryId: number, service: Service, occurredAt: Date | null = null): Promise<IngestionDecision> {
  const [integration, repository] = await Promise.all([
    IntegrationModel.findOne({ installationId }, { status: 1, services: 1 }).lean(),
    RepositoryModel.findOne({ githubId: repositoryId, installationId }, { granted: 1, grantChangedAt: 1 }).lean(),
  ]);
  return ingestionDecision(integration, repository, service, occurredAt);
}
