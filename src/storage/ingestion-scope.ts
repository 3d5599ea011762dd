import { ingestionDecision, type IngestionDecision } from "../domain/ingestion-scope.js";
import { groupCommit } from "./group-commit.js";
import type { Service } from "./models/import-status.js";
import { IntegrationModel } from "./models/integration.js";
import { RepositoryModel } from "./models/repository.js";

type Question = { installationId: number; repositoryId: number; service: Service; occurredAt: Date | null };

/**
 * Reads what `ingestionDecision` needs for many questions at once: one read of the integrations, one of the
 * repositories. Each read is sent after every question in it was asked, so no answer is older than its question.
 */
async function decideAll(questions: Question[]): Promise<IngestionDecision[]> {
  const distinct = <T>(values: T[]) => [...new Set(values)];
  const [integrations, repositories] = await Promise.all([
    IntegrationModel.find({ installationId: { $in: distinct(questions.map((q) => q.installationId)) } }, { installationId: 1, status: 1, services: 1 }).lean(),
    RepositoryModel.find({ githubId: { $in: distinct(questions.map((q) => q.repositoryId)) } }, { githubId: 1, installationId: 1, granted: 1, grantChangedAt: 1 }).lean(),
  ]);
  return questions.map(({ installationId, repositoryId, service, occurredAt }) =>
    ingestionDecision(
      integrations.find((integration) => integration.installationId === installationId) ?? null,
      repositories.find((repository) => repository.githubId === repositoryId && repository.installationId === installationId) ?? null,
      service,
      occurredAt,
    ),
  );
}

const decide = groupCommit(decideAll);

/**
 * Whether data for `service` of one repository of one installation may be stored now. `occurredAt`: when the change
 * being stored happened, for webhooks (see ingestionDecision); a backfill reads what is granted now.
 */
export function decideIngestion(installationId: number, repositoryId: number, service: Service, occurredAt: Date | null = null): Promise<IngestionDecision> {
  return decide({ installationId, repositoryId, service, occurredAt });
}
