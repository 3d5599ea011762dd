import type { Service } from "../storage/models/import-status.js";

/**
 * Every GraphQL query Tributary sends. A test validates each against GitHub's published schema
 * (@octokit/graphql-schema), so a typo fails CI instead of a customer's import.
 */

// GitHub allows at most 10 assignees per issue or pull request: asking for 10 loses nothing and keeps a page's
// node count (what GitHub's query timeout and cost are computed from) low.
const ACTOR = `login ... on User { databaseId } ... on Bot { databaseId } ... on Mannequin { databaseId }`;

const REVIEW_FIELDS = `databaseId state submittedAt updatedAt author { ${ACTOR} }`;
const PR_COMMIT_FIELDS = `commit { oid authoredDate author { user { login databaseId } } }`;
const PAGE_INFO = `pageInfo { hasNextPage endCursor }`;
/** Every query asks what it cost: the app counts GitHub's own figure (src/github/budget-spend.ts), free to ask. */
const COST = `rateLimit { cost }`;

/**
 * Fields of a pull request and the first `lists` items of each nested list. Shaped for GitHub's cost formula (one
 * request per parent that could hold a connection, summed, ÷ 100): each nested list costs one request per pull
 * request, so the count of review comments comes from `totalCommentsCount` (issue and review comments) less the issue
 * comments, not from `comments { totalCount }` under each review — that cost 100 requests per pull request, 27 points
 * a page of 25 instead of 2. When it last left draft is the latest `ReadyForReviewEvent` of its timeline (`last: 1`,
 * the timeline being oldest first): one more request per pull request, and one node, not a page of events. Labels
 * and review requests carry their count: a page asked with short lists (first-pages.ts) tells when one was cut.
 */
const pullRequestFields = (lists: number) => `
  id databaseId number title state isDraft createdAt updatedAt closedAt mergedAt totalCommentsCount
  author { ${ACTOR} } mergedBy { ${ACTOR} }
  baseRefName headRefName additions deletions changedFiles
  labels(first: ${lists}) { totalCount nodes { name } }
  assignees(first: 10) { nodes { login databaseId } }
  reviewRequests(first: ${lists}) { totalCount nodes { requestedReviewer { ... on User { login databaseId } } } }
  comments(first: 1) { totalCount nodes { createdAt } }
  reviewThreads(first: 1) { nodes { comments(first: 1) { nodes { createdAt } } } }
  reviews(first: ${lists}) { totalCount ${PAGE_INFO} nodes { ${REVIEW_FIELDS} } }
  commits(first: ${lists}) { totalCount ${PAGE_INFO} nodes { ${PR_COMMIT_FIELDS} } }
  timelineItems(itemTypes: [READY_FOR_REVIEW_EVENT], last: 1) { nodes { ... on ReadyForReviewEvent { createdAt } } }`;

/** A page of a repository's pull requests, most recently updated first; `first` and `after` are GraphQL values. */
const pullRequestsPage = (first: string, after: string, lists: number) =>
  `pullRequests(first: ${first}, after: ${after}, orderBy: { field: UPDATED_AT, direction: DESC }) {
        totalCount ${PAGE_INFO}
        nodes { ${pullRequestFields(lists)} }
      }`;

/** Pull requests, most recently updated first, with their reviews and commits nested: one request per page. */
export const PULL_REQUESTS_QUERY = `
  query PullRequests($owner: String!, $name: String!, $first: Int!, $after: String) {
    ${COST}
    repository(owner: $owner, name: $name) {
      ${pullRequestsPage("$first", "$after", 100)}
    }
  }`;

/** The rest of a pull request's reviews, past the first page. */
export const PULL_REQUEST_REVIEWS_QUERY = `
  query PullRequestReviews($id: ID!, $after: String) {
    ${COST}
    node(id: $id) { ... on PullRequest { reviews(first: 100, after: $after) { ${PAGE_INFO} nodes { ${REVIEW_FIELDS} } } } }
  }`;

/** The rest of a pull request's commits, past the first page (GitHub stops at 250). */
export const PULL_REQUEST_COMMITS_QUERY = `
  query PullRequestCommits($id: ID!, $after: String) {
    ${COST}
    node(id: $id) { ... on PullRequest { commits(first: 100, after: $after) { ${PAGE_INFO} nodes { ${PR_COMMIT_FIELDS} } } } }
  }`;

const GIT_ACTOR = `name email date user { login databaseId }`;

/** Repository metadata and a page of its default branch's commits, newest first, in a time window. */
const repositoryWithCommits = (first: number, after: string, since: string, lists: number) => `
      databaseId name nameWithOwner visibility isArchived isFork createdAt pushedAt updatedAt
      primaryLanguage { name }
      repositoryTopics(first: ${lists}) { totalCount nodes { topic { name } } }
      defaultBranchRef {
        name
        target {
          ... on Commit {
            history(first: ${first}, after: ${after}, since: ${since}) {
              totalCount ${PAGE_INFO}
              nodes {
                oid messageHeadline additions deletions changedFilesIfAvailable
                parents { totalCount }
                author { ${GIT_ACTOR} } committer { ${GIT_ACTOR} }
              }
            }
          }
        }
      }`;

/** Repository metadata and its default branch's commits (newest first) since a time, 100 per request. */
export const REPOSITORY_COMMITS_QUERY = `
  query RepositoryCommits($owner: String!, $name: String!, $after: String, $since: GitTimestamp) {
    ${COST}
    repository(owner: $owner, name: $name) { ${repositoryWithCommits(100, "$after", "$since", 100)} }
  }`;

/** A page of a repository's issues (never pull requests) updated since a time, most recently updated first. */
const issuesPage = (first: string, after: string, since: string, lists: number) =>
  `issues(first: ${first}, after: ${after}, orderBy: { field: UPDATED_AT, direction: DESC }, filterBy: { since: ${since} }) {
        totalCount ${PAGE_INFO}
        nodes {
          id databaseId number title state stateReason createdAt updatedAt closedAt
          author { ${ACTOR} }
          labels(first: ${lists}) { totalCount nodes { name } }
          assignees(first: 10) { nodes { login databaseId } }
          milestone { title }
          comments { totalCount }
        }
      }`;

/** Issues updated since a time, most recently updated first, 100 per request. */
export const ISSUES_QUERY = `
  query Issues($owner: String!, $name: String!, $first: Int!, $after: String, $since: DateTime) {
    ${COST}
    repository(owner: $owner, name: $name) {
      ${issuesPage("$first", "$after", "$since", 100)}
    }
  }`;

/** Organization members with their role, 100 per request. */
export const ORGANIZATION_MEMBERS_QUERY = `
  query OrganizationMembers($login: String!, $after: String) {
    ${COST}
    organization(login: $login) {
      membersWithRole(first: 100, after: $after) { ${PAGE_INFO} edges { role node { login databaseId } } }
    }
  }`;

/**
 * What `firstPagesQuery` asks of each repository, and how many repositories one query asks about. Pages this small
 * keep a query at about 13,300 possible nodes — what a page of 33 pull requests asks, which GitHub answers in time —
 * and 11 to 17 points (under 2 a repository), as GitHub charges lists asked for their count only. A page whose lists were cut short (a pull request's 21st review, a
 * 21st label) or that is not the whole list is not used: first-pages.ts reads that service the usual way.
 */
export const FIRST_PAGE_SIZES = { pullRequests: 10, tickets: 10, commits: 50, lists: 20 } as const;
export const FIRST_PAGES_BATCH = 10;

/**
 * The first page of each given service of several repositories in one query (aliases r0, r1, …, variables
 * $owner0/$name0, …): a small repository is read whole in a fraction of a request (src/backfill/first-pages.ts).
 */
export function firstPagesQuery(repositories: Service[][]): string {
  const { pullRequests, tickets, commits, lists } = FIRST_PAGE_SIZES;
  const fields: Record<Service, string> = {
    pullRequests: pullRequestsPage(String(pullRequests), "null", lists),
    tickets: issuesPage(String(tickets), "null", "null", lists),
    repos: repositoryWithCommits(commits, "null", "null", lists),
  };
  const variables = repositories.map((_, i) => `$owner${i}: String!, $name${i}: String!`).join(", ");
  const aliases = repositories.map((services, i) => `r${i}: repository(owner: $owner${i}, name: $name${i}) { ${services.map((service) => fields[service]).join(" ")} }`);
  return `
  query FirstPages(${variables}) {
    ${COST}
    ${aliases.join("\n    ")}
  }`;
}

export const ALL_QUERIES = {
  PULL_REQUESTS_QUERY,
  PULL_REQUEST_REVIEWS_QUERY,
  PULL_REQUEST_COMMITS_QUERY,
  REPOSITORY_COMMITS_QUERY,
  ISSUES_QUERY,
  ORGANIZATION_MEMBERS_QUERY,
  FIRST_PAGES_QUERY: firstPagesQuery([["repos", "pullRequests", "tickets"], ["pullRequests"], ["tickets", "repos"]]),
};
