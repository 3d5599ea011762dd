import type { components } from "@octokit/openapi-types";
import { differingFrom, resequenced } from "./sequence-reset.js";
import { upsertUnlessNewer } from "./bulk-writes.js";
import { RepositoryModel, type Repository } from "./models/repository.js";

type RestRepository = components["schemas"]["repository"];

/** A repository as installation webhooks list it (a few fields) or as the REST API returns it (all of them). */
export type RepositoryRef = Pick<RestRepository, "id" | "node_id" | "name" | "full_name" | "private"> &
  Partial<Pick<RestRepository, "visibility" | "archived" | "default_branch">>;

/** Webhook repository lists type every field as optional; keeps the entries that name a repository fully. */
export function completeRepositoryRefs(repos: Partial<RepositoryRef>[]): RepositoryRef[] {
  return repos.filter((repo): repo is RepositoryRef => Boolean(repo.id && repo.node_id && repo.name && repo.full_name));
}

function describedFields(repo: RepositoryRef) {
  return {
    nodeId: repo.node_id,
    name: repo.name,
    fullName: repo.full_name,
    ...(repo.visibility && {
      visibility: repo.visibility as "public" | "private" | "internal",
      archived: repo.archived ?? false,
      defaultBranch: repo.default_branch ?? null,
    }),
  };
}

/**
 * Records that the installation grants (or no longer grants) these repositories as of `at`.
 * A grant change older than the one stored is skipped, so a late event cannot undo a newer one.
 */
export async function setRepositoryGrants(
  installationId: number,
  repos: RepositoryRef[],
  granted: boolean,
  at: Date,
): Promise<void> {
  await upsertUnlessNewer(
    RepositoryModel,
    repos.map((repo) => {
      const described = describedFields(repo);
      return {
        key: { githubId: Number(repo.id) },
        set: { installationId, granted, grantChangedAt: at, ...described },
        ...(!("visibility" in described) && { setOnInsert: { visibility: repo.private ? "private" : "public" } }),
      };
    }),
    "grantChangedAt",
  );
}

/** Withdraws every grant of the installation not in `keepIds`; returns the repositories it withdrew. */
export async function revokeOtherGrants(installationId: number, keepIds: number[], at: Date) {
  const filter = { installationId, granted: true, githubId: { $nin: keepIds } };
  const revoked = await RepositoryModel.find(filter, { githubId: 1, fullName: 1 }).lean();
  if (revoked.length > 0) {
    await RepositoryModel.updateMany({ ...filter, grantChangedAt: { $lte: at } }, resequenced({ $set: { granted: false, grantChangedAt: at } }));
  }
  return revoked;
}

export function listRepositories(installationId: number, { granted, repositoryIds }: { granted?: boolean; repositoryIds?: number[] } = {}) {
  const filter = { installationId, ...(granted !== undefined && { granted }), ...(repositoryIds && { githubId: { $in: repositoryIds } }) };
  return RepositoryModel.find(filter).sort({ fullName: 1 }).lean();
}

/** Repositories' full names embed the owner's login, so they follow an account rename. */
export async function renameOwner(installationId: number, to: string): Promise<void> {
  const repos = await RepositoryModel.find({ installationId }, { githubId: 1, name: 1 }).lean();
  if (repos.length === 0) return;
  await RepositoryModel.bulkWrite(
    repos.map((repo) => {
      const renamed = { fullName: `${to}/${repo.name}` };
      return { updateOne: { filter: { githubId: repo.githubId, ...differingFrom(renamed) }, update: resequenced({ $set: renamed }) } };
    }),
    { ordered: false },
  );
}

/** The "repos" service's view of a repository, as a `repository` webhook or the REST/GraphQL API describes it. */
export type RepositoryMetadata = Partial<
  Pick<Repository, "name" | "fullName" | "visibility" | "archived" | "defaultBranch" | "fork" | "language" | "topics" | "createdAt" | "pushedAt">
> & { updatedAt: Date };

/**
 * Refreshes a known repository's metadata unless newer metadata (by GitHub's updatedAt) is stored; an equal one is
 * overwritten. Unknown repositories are left alone: only installation events and reconciliation create them.
 */
export async function updateRepositoryMetadata(githubId: number, fields: RepositoryMetadata): Promise<void> {
  await RepositoryModel.updateOne(
    { githubId, $or: [{ updatedAt: null }, { updatedAt: { $lte: fields.updatedAt } }], ...differingFrom(fields) },
    resequenced({ $set: fields }),
  );
}

/** The repository was deleted on GitHub (or left the installation's account): kept for history, no longer granted. */
export async function markRepositoryDeleted(githubId: number, at: Date): Promise<void> {
  const deleted = { deletedAt: at };
  await RepositoryModel.updateOne({ githubId, ...differingFrom(deleted) }, resequenced({ $set: deleted }));
  const withdrawn = { granted: false, grantChangedAt: at };
  await RepositoryModel.updateOne({ githubId, grantChangedAt: { $lte: at }, ...differingFrom(withdrawn) }, resequenced({ $set: withdrawn }));
}

export function findRepository(githubId: number) {
  return RepositoryModel.findOne({ githubId }).lean();
}
