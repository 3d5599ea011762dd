import { saveCommits, type CommitRecord } from "../storage/commits.js";
import { updateRepositoryMetadata } from "../storage/repositories.js";
import type { InstallationOctokit, RepositoryTarget } from "./github-access.js";
import { isWhole, type CountedList } from "./graphql-values.js";
import type { NewestFirstSource, Page } from "./newest-first-sync.js";
import { REPOSITORY_COMMITS_QUERY } from "./queries.js";

type GitActorNode = { name: string | null; email: string | null; date: string | null; user: { login: string; databaseId: number } | null };
type CommitNode = {
  oid: string;
  messageHeadline: string;
  additions: number;
  deletions: number;
  changedFilesIfAvailable: number | null;
  parents: { totalCount: number };
  author: GitActorNode | null;
  committer: GitActorNode | null;
};
export type RepositoryNode = {
  databaseId: number;
  name: string;
  nameWithOwner: string;
  visibility: "PUBLIC" | "PRIVATE" | "INTERNAL";
  isArchived: boolean;
  isFork: boolean;
  createdAt: string;
  pushedAt: string | null;
  updatedAt: string;
  primaryLanguage: { name: string } | null;
  repositoryTopics: CountedList<{ topic: { name: string } }>;
  defaultBranchRef: {
    name: string;
    target: {
      history: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: CommitNode[] };
    } | null;
  } | null;
};

const gitActor = (actor: GitActorNode | null) => ({
  name: actor?.name ?? null,
  email: actor?.email ?? null,
  date: actor?.date ? new Date(actor.date) : null,
  user: actor?.user ? { id: actor.user.databaseId, login: actor.user.login } : null,
});

export function commitRecord(node: CommitNode, repo: RepositoryTarget): CommitRecord {
  return {
    repositoryId: repo.githubId,
    installationId: repo.installationId,
    sha: node.oid,
    author: gitActor(node.author),
    committer: gitActor(node.committer),
    messageHeadline: node.messageHeadline,
    parentsCount: node.parents.totalCount,
    isMerge: node.parents.totalCount > 1,
    additions: node.additions,
    deletions: node.deletions,
    changedFiles: node.changedFilesIfAvailable,
  };
}

export function repositoryMetadata(node: RepositoryNode) {
  return {
    name: node.name,
    fullName: node.nameWithOwner,
    visibility: node.visibility.toLowerCase() as "public" | "private" | "internal",
    archived: node.isArchived,
    fork: node.isFork,
    defaultBranch: node.defaultBranchRef?.name ?? null,
    language: node.primaryLanguage?.name ?? null,
    topics: node.repositoryTopics.nodes.map((node) => node.topic.name),
    createdAt: new Date(node.createdAt),
    pushedAt: node.pushedAt ? new Date(node.pushedAt) : null,
    updatedAt: new Date(node.updatedAt),
  };
}

/**
 * A page of the default branch's commits as read with the repository's metadata, which the first page of a run
 * stores (it rides along on every page for free).
 */
export async function commitPage(repo: RepositoryTarget, repository: RepositoryNode, cursor: string | null): Promise<Page<CommitNode>> {
  if (!cursor) await updateRepositoryMetadata(repo.githubId, repositoryMetadata(repository));
  const history = repository.defaultBranchRef?.target?.history;
  // An empty repository has no default branch yet: nothing to import.
  if (!history) return { nodes: [], hasNextPage: false, endCursor: null, totalCount: 0 };
  return { nodes: history.nodes, hasNextPage: history.pageInfo.hasNextPage, endCursor: history.pageInfo.endCursor, totalCount: history.totalCount };
}

/** Whether a repository as read holds all its topics and every commit of its default branch. */
export const holdsAllCommits = (repository: RepositoryNode) =>
  isWhole(repository.repositoryTopics) && !repository.defaultBranchRef?.target?.history.pageInfo.hasNextPage;

/**
 * The overlap of the commits' incremental runs. history(since:) filters on the committed date, which the committer's
 * machine set when the commit was made — not when a push put it on the branch, nor by GitHub's clock. A commit made
 * minutes before the previous run started and pushed after it was not there to read, yet is dated before that start
 * (and every push asks for such a run: the previous one is often minutes old). An hour covers committing a while
 * before pushing, and clocks that are off; it costs little, as the first page is read anyway and unchanged commits
 * are not written.
 */
const COMMITTED_DATE_OVERLAP_MS = 60 * 60_000;

/**
 * The "repos" service: repository metadata and the default branch's commits, newest first, 100 per request,
 * with line counts included (no per-commit REST call). Metadata rides along on every page for free.
 */
export function commitSource(octokit: InstallationOctokit, repo: RepositoryTarget): NewestFirstSource<CommitNode> {
  // Pages are read and saved in turn: a saved page's commits were on the branch when it was last read.
  let pageReadAt = new Date();
  return {
    service: "repos",
    timeOf: (node) => new Date(node.committer?.date ?? node.author?.date ?? 0),
    overlapMs: COMMITTED_DATE_OVERLAP_MS,
    async fetchPage(cursor, since): Promise<Page<CommitNode>> {
      pageReadAt = new Date();
      const { repository } = await octokit.graphql<{ repository: RepositoryNode }>(REPOSITORY_COMMITS_QUERY, {
        owner: repo.owner,
        name: repo.name,
        after: cursor,
        since: since?.toISOString() ?? null,
      });
      return commitPage(repo, repository, cursor);
    },
    async save(nodes, reports) {
      await saveCommits(
        nodes.map((node) => commitRecord(node, repo)),
        { onDefaultBranchAsOf: pageReadAt, reports },
      );
    },
  };
}
