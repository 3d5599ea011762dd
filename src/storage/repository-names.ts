import { RepositoryModel } from "./models/repository.js";

export interface RepositoryName {
  fullName: string;
  /** Whether the installation grants it now: the Repositories tab lists only those. */
  granted: boolean;
}

/** The stored repositories among these GitHub ids, by id; ids never stored are absent from the map. */
export async function repositoryNames(githubIds: number[]): Promise<Map<number, RepositoryName>> {
  if (githubIds.length === 0) return new Map();
  const repos = await RepositoryModel.find({ githubId: { $in: [...new Set(githubIds)] } }, { githubId: 1, fullName: 1, granted: 1 }).lean();
  return new Map(repos.map(({ githubId, fullName, granted }) => [githubId, { fullName, granted }]));
}
