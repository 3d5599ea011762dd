import type { IssueState, IssueStateReason } from "@octokit/graphql-schema";
import { saveTickets } from "../storage/tickets.js";
import { AdaptivePageSize, QUERY_TIMEOUT_MS, fetchAdaptively } from "./adaptive-page-size.js";
import type { InstallationOctokit, RepositoryTarget } from "./github-access.js";
import { dateOrNull, isWhole, issueLikeFields, users, type ActorNode, type CountedList } from "./graphql-values.js";
import { UPDATED_AT_OVERLAP_MS, type NewestFirstSource, type Page } from "./newest-first-sync.js";
import { ISSUES_QUERY } from "./queries.js";

export type IssueNode = {
  id: string;
  databaseId: number;
  number: number;
  title: string;
  state: IssueState;
  stateReason: IssueStateReason | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  author: ActorNode;
  labels: CountedList<{ name: string }>;
  assignees: { nodes: { login: string; databaseId: number }[] };
  milestone: { title: string } | null;
  comments: { totalCount: number };
};

export type IssueConnection = { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: IssueNode[] };

export const ticketPage = ({ nodes, pageInfo, totalCount }: IssueConnection): Page<IssueNode> => ({
  nodes,
  hasNextPage: pageInfo.hasNextPage,
  endCursor: pageInfo.endCursor,
  totalCount,
});

/** Whether a page holds every issue of its repository, each with all its labels. */
export const holdsAllIssues = ({ pageInfo, nodes }: IssueConnection) => !pageInfo.hasNextPage && nodes.every((node) => isWhole(node.labels));

export function ticketRecord(node: IssueNode, repo: RepositoryTarget) {
  return {
    ...issueLikeFields(node, repo),
    state: node.state === "CLOSED" ? ("closed" as const) : ("open" as const),
    stateReason: node.stateReason?.toLowerCase() ?? null,
    labels: node.labels.nodes.map((label) => label.name),
    assignees: users(node.assignees.nodes),
    milestone: node.milestone?.title ?? null,
    createdAt: new Date(node.createdAt),
    updatedAt: new Date(node.updatedAt),
    closedAt: dateOrNull(node.closedAt),
    commentsCount: node.comments.totalCount,
  };
}

/** The "tickets" service: issues (GraphQL's `issues` never includes pull requests), filtered by `since` on GitHub's side. */
export function ticketSource(
  octokit: InstallationOctokit,
  repo: RepositoryTarget,
  pageSize = new AdaptivePageSize(100, 1, 100),
  queryTimeoutMs = QUERY_TIMEOUT_MS,
): NewestFirstSource<IssueNode> {
  return {
    service: "tickets",
    timeOf: (node) => new Date(node.updatedAt),
    overlapMs: UPDATED_AT_OVERLAP_MS,
    async fetchPage(cursor, since): Promise<Page<IssueNode>> {
      // Issues are light, so a page starts at 100; a repository with huge label lists can still time out.
      const { repository } = await fetchAdaptively(pageSize, queryTimeoutMs, (first, request) =>
        octokit.graphql<{ repository: { issues: IssueConnection } }>(ISSUES_QUERY, {
          owner: repo.owner,
          name: repo.name,
          first,
          after: cursor,
          since: since?.toISOString() ?? null,
          request,
        }),
      );
      return ticketPage(repository.issues);
    },
    async save(nodes, reports) {
      await saveTickets(nodes.map((node) => ticketRecord(node, repo)), reports);
    },
  };
}
