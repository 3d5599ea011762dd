import type { PullRequestReviewState, PullRequestState } from "@octokit/graphql-schema";
import { savePullRequests } from "../storage/pull-requests.js";
import { saveReviews } from "../storage/reviews.js";
import { AdaptivePageSize, QUERY_TIMEOUT_MS, fetchAdaptively } from "./adaptive-page-size.js";
import { dateOrNull, isWhole, issueLikeFields, userRef, users, type ActorNode, type CountedList } from "./graphql-values.js";
import type { InstallationOctokit, RepositoryTarget } from "./github-access.js";
import { UPDATED_AT_OVERLAP_MS, type NewestFirstSource, type Page } from "./newest-first-sync.js";
import { PULL_REQUEST_COMMITS_QUERY, PULL_REQUEST_REVIEWS_QUERY, PULL_REQUESTS_QUERY } from "./queries.js";

// Shapes of the query results (see queries.ts), named after GitHub's schema types.
type Connection<N> = { totalCount?: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: N[] };
type ReviewNode = {
  databaseId: number;
  state: PullRequestReviewState;
  submittedAt: string | null;
  updatedAt: string;
  author: ActorNode;
};
type PullRequestCommitNode = { commit: { oid: string; authoredDate: string; author: { user: ActorNode } | null } };
export type PullRequestNode = {
  id: string;
  databaseId: number;
  number: number;
  title: string;
  state: PullRequestState;
  isDraft: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  /** Issue comments and review comments together. */
  totalCommentsCount: number;
  author: ActorNode;
  mergedBy: ActorNode;
  baseRefName: string;
  headRefName: string;
  additions: number;
  deletions: number;
  changedFiles: number;
  labels: CountedList<{ name: string }>;
  assignees: { nodes: ActorNode[] };
  reviewRequests: CountedList<{ requestedReviewer: ActorNode | Record<string, never> }>;
  comments: { totalCount: number; nodes: { createdAt: string }[] };
  reviewThreads: { nodes: { comments: { nodes: { createdAt: string }[] } }[] };
  reviews: Connection<ReviewNode>;
  commits: Connection<PullRequestCommitNode>;
  /** The latest ReadyForReviewEvent, if it ever left draft. */
  timelineItems: { nodes: { createdAt: string }[] };
};

/** GitHub lists at most this many commits of a pull request, in the API and on the web. */
export const PULL_REQUEST_COMMITS_CAP = 250;

export function pullRequestRecord(node: PullRequestNode, repo: RepositoryTarget) {
  const commits = node.commits.nodes;
  const commitsCount = node.commits.totalCount ?? commits.length;
  return {
    ...issueLikeFields(node, repo),
    state: node.state === "MERGED" ? ("merged" as const) : node.state === "CLOSED" ? ("closed" as const) : ("open" as const),
    draft: node.isDraft,
    createdAt: new Date(node.createdAt),
    updatedAt: new Date(node.updatedAt),
    closedAt: dateOrNull(node.closedAt),
    mergedAt: dateOrNull(node.mergedAt),
    // Pickup time starts here, not at opening. Stored as the latest time any source saw (src/storage/bulk-writes.ts):
    // a page read before the webhook of a later ready_for_review, or saved after it, does not take that back.
    readyForReviewAt: dateOrNull(node.timelineItems.nodes.at(-1)?.createdAt ?? null),
    mergedBy: userRef(node.mergedBy),
    baseRef: node.baseRefName,
    headRef: node.headRefName,
    additions: node.additions,
    deletions: node.deletions,
    changedFiles: node.changedFiles,
    commitsCount,
    labels: node.labels.nodes.map((label) => label.name),
    requestedReviewers: users(node.reviewRequests.nodes.map((request) => request.requestedReviewer)),
    assignees: users(node.assignees.nodes),
    commentsCount: node.comments.totalCount,
    firstCommentAt: dateOrNull(node.comments.nodes[0]?.createdAt ?? null),
    reviewCommentsCount: Math.max(0, node.totalCommentsCount - node.comments.totalCount),
    firstReviewCommentAt: dateOrNull(node.reviewThreads.nodes[0]?.comments.nodes[0]?.createdAt ?? null),
    commits: commits.map(({ commit }) => ({ sha: commit.oid, author: userRef(commit.author?.user ?? null), authoredAt: dateOrNull(commit.authoredDate) })),
    commitsComplete: commits.length === commitsCount,
  };
}

export function reviewRecords(node: PullRequestNode, repo: RepositoryTarget) {
  return node.reviews.nodes.map((review) => ({
    githubId: review.databaseId,
    pullRequestId: node.databaseId,
    repositoryId: repo.githubId,
    installationId: repo.installationId,
    author: userRef(review.author),
    state: review.state,
    submittedAt: dateOrNull(review.submittedAt),
    updatedAt: new Date(review.updatedAt),
  }));
}

type Octokit = InstallationOctokit;

/** Follows a nested list past its first page, so a pull request with 300 reviews has all 300. */
async function completeNestedList<N>(
  octokit: Octokit,
  query: string,
  field: "reviews" | "commits",
  id: string,
  first: Connection<N>,
  cap = Infinity,
): Promise<void> {
  let { hasNextPage, endCursor } = first.pageInfo;
  while (hasNextPage && first.nodes.length < cap) {
    const result = await octokit.graphql<{ node: Record<typeof field, Connection<N>> }>(query, { id, after: endCursor });
    const next = result.node[field];
    first.nodes.push(...next.nodes.slice(0, cap - first.nodes.length));
    ({ hasNextPage, endCursor } = next.pageInfo);
  }
}

export type PullRequestConnection = Connection<PullRequestNode>;

/** Whether a page holds every pull request of its repository, each with every item of its nested lists. */
export const holdsAllPullRequests = ({ pageInfo, nodes }: PullRequestConnection) =>
  !pageInfo.hasNextPage &&
  nodes.every((node) => isWhole(node.labels) && isWhole(node.reviewRequests) && !node.reviews.pageInfo.hasNextPage && !node.commits.pageInfo.hasNextPage);

/**
 * A page of pull requests as read, with the nested reviews and commits of those that changed since `since` followed
 * past their first page: only pull requests that changed since the last sync are stored, so only theirs are worth
 * completing.
 */
export async function pullRequestPage(octokit: Octokit, connection: PullRequestConnection, since: Date | null): Promise<Page<PullRequestNode>> {
  const { nodes, pageInfo, totalCount } = connection;
  for (const node of nodes.filter((pr) => !since || new Date(pr.updatedAt) >= since)) {
    await completeNestedList(octokit, PULL_REQUEST_REVIEWS_QUERY, "reviews", node.id, node.reviews);
    await completeNestedList(octokit, PULL_REQUEST_COMMITS_QUERY, "commits", node.id, node.commits, PULL_REQUEST_COMMITS_CAP);
  }
  return { nodes, hasNextPage: pageInfo.hasNextPage, endCursor: pageInfo.endCursor, totalCount: totalCount ?? null };
}

/**
 * Pull requests with reviews and commits nested, one GraphQL request per page. The page size adapts to GitHub's
 * query timeout: a 502/504 or client timeout halves it and retries the same cursor (no retry at the same size).
 */
export function pullRequestSource(
  octokit: Octokit,
  repo: RepositoryTarget,
  pageSize: AdaptivePageSize = new AdaptivePageSize(),
  queryTimeoutMs = QUERY_TIMEOUT_MS,
): NewestFirstSource<PullRequestNode> {
  return {
    service: "pullRequests",
    timeOf: (node) => new Date(node.updatedAt),
    overlapMs: UPDATED_AT_OVERLAP_MS,
    async fetchPage(cursor, since): Promise<Page<PullRequestNode>> {
      const result = await fetchAdaptively(pageSize, queryTimeoutMs, (first, request) =>
        octokit.graphql<{ repository: { pullRequests: PullRequestConnection } }>(PULL_REQUESTS_QUERY, {
          owner: repo.owner,
          name: repo.name,
          first,
          after: cursor,
          request,
        }),
      );
      return pullRequestPage(octokit, result.repository.pullRequests, since);
    },
    async save(nodes, reports) {
      await savePullRequests(nodes.map((node) => pullRequestRecord(node, repo)), reports);
      await saveReviews(nodes.flatMap((node) => reviewRecords(node, repo)), reports);
    },
  };
}
