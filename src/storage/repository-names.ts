import { RepositoryModel } from "./models/repository.js";

/** Full names of the stored repositories among these GitHub ids; ids never stored are absent from the map. */
export async function repositoryNames(githubIds: number[]): Promise<Map<number, string>> {
  if (githubIds.length === 0) return new Map();
  const repos = await RepositoryModel.find({ githubId: { $in: [...new Set(githubIds)] } }, { githubId: 1, fullName: 1 }).lean();
  return new Map(repos.map((repo) => [repo.githubId, repo.fullName]));
}
