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
 * Fields of a pull request and the first page of each nested list. Shaped for GitHub's cost formula (one request per
 * parent that could hold a connection, summed, ÷ 100): each nested list costs one request per pull request, so the
 * count of review comments comes from `totalCommentsCount` (issue and review comments) less the issue comments,
 * not from `comments { totalCount }` under each review — that cost 100 requests per pull request, 27 points a page
 * of 25 instead of 2. When it last left draft is the latest `ReadyForReviewEvent` of its timeline (`last: 1`, the
 * timeline being oldest first): one more request per pull request, and one node, not a page of events.
 */
const PULL_REQUEST_FIELDS = `
  id databaseId number title state isDraft createdAt updatedAt closedAt mergedAt totalCommentsCount
  author { ${ACTOR} } mergedBy { ${ACTOR} }
  baseRefName headRefName additions deletions changedFiles
  labels(first: 100) { nodes { name } }
  assignees(first: 10) { nodes { login databaseId } }
  reviewRequests(first: 100) { nodes { requestedReviewer { ... on User { login databaseId } } } }
  comments(first: 1) { totalCount nodes { createdAt } }
  reviewThreads(first: 1) { nodes { comments(first: 1) { nodes { createdAt } } } }
  reviews(first: 100) { totalCount ${PAGE_INFO} nodes { ${REVIEW_FIELDS} } }
  commits(first: 100) { totalCount ${PAGE_INFO} nodes { ${PR_COMMIT_FIELDS} } }
  timelineItems(itemTypes: [READY_FOR_REVIEW_EVENT], last: 1) { nodes { ... on ReadyForReviewEvent { createdAt } } }`;

/** Pull requests, most recently updated first, with their reviews and commits nested: one request per page. */
export const PULL_REQUESTS_QUERY = `
  query PullRequests($owner: String!, $name: String!, $first: Int!, $after: String) {
    ${COST}
    repository(owner: $owner, name: $name) {
      pullRequests(first: $first, after: $after, orderBy: { field: UPDATED_AT, direction: DESC }) {
        totalCount ${PAGE_INFO}
        nodes { ${PULL_REQUEST_FIELDS} }
      }
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

/** Repository metadata and its default branch's commits (newest first) in a time window, 100 per request. */
export const REPOSITORY_COMMITS_QUERY = `
  query RepositoryCommits($owner: String!, $name: String!, $after: String, $since: GitTimestamp, $until: GitTimestamp) {
    ${COST}
    repository(owner: $owner, name: $name) {
      databaseId name nameWithOwner visibility isArchived isFork createdAt pushedAt updatedAt
      primaryLanguage { name }
      repositoryTopics(first: 100) { nodes { topic { name } } }
      defaultBranchRef {
        name
        target {
          ... on Commit {
            history(first: 100, after: $after, since: $since, until: $until) {
              totalCount ${PAGE_INFO}
              nodes {
                oid messageHeadline additions deletions changedFilesIfAvailable
                parents { totalCount }
                author { ${GIT_ACTOR} } committer { ${GIT_ACTOR} }
              }
            }
          }
        }
      }
    }
  }`;

/** Issues (never pull requests) updated since a time, most recently updated first, 100 per request. */
export const ISSUES_QUERY = `
  query Issues($owner: String!, $name: String!, $first: Int!, $after: String, $since: DateTime) {
    ${COST}
    repository(owner: $owner, name: $name) {
      issues(first: $first, after: $after, orderBy: { field: UPDATED_AT, direction: DESC }, filterBy: { since: $since }) {
        totalCount ${PAGE_INFO}
        nodes {
          id databaseId number title state stateReason createdAt updatedAt closedAt
          author { ${ACTOR} }
          labels(first: 100) { nodes { name } }
          assignees(first: 10) { nodes { login databaseId } }
          milestone { title }
          comments { totalCount }
        }
      }
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

export const ALL_QUERIES = {
  PULL_REQUESTS_QUERY,
  PULL_REQUEST_REVIEWS_QUERY,
  PULL_REQUEST_COMMITS_QUERY,
  REPOSITORY_COMMITS_QUERY,
  ISSUES_QUERY,
  ORGANIZATION_MEMBERS_QUERY,
};
