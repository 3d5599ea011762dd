import { IntegrationModel } from "../../src/storage/models/integration.js";
import { RepositoryModel } from "../../src/storage/models/repository.js";

/** The stored integration, failing the test when it is missing. */
export async function storedIntegration(installationId: number) {
  const integration = await IntegrationModel.findOne({ installationId }).lean();
  if (!integration) throw new Error(`no integration for installation ${installationId}`);
  return integration;
}

export async function storedRepository(githubId: number) {
  const repository = await RepositoryModel.findOne({ githubId }).lean();
  if (!repository) throw new Error(`no repository ${githubId}`);
  return repository;
}
