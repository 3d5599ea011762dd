import { beforeAll, describe, expect, it } from "vitest";
import { markCommitsOffDefaultBranch, saveCommits, type CommitRecord } from "../../src/storage/commits.js";
import { markMemberRemoved, saveMembers } from "../../src/storage/members.js";
import { PullRequestModel, TicketModel } from "../../src/storage/models/index.js";
import { recordConversationCommentAt, recordReviewCommentAt, savePullRequests, type PullRequestRecord } from "../../src/storage/pull-requests.js";
import { listRepositories, setRepositoryGrants } from "../../src/storage/repositories.js";
import { saveReviews, type ReviewRecord } from "../../src/storage/reviews.js";
import { countStoredByRepository } from "../../src/storage/stored-counts.js";
import { saveTickets, type TicketRecord } from "../../src/storage/tickets.js";
import { queriesSentBy, queryPlan } from "../helpers/query-plan.js";

// Enough records for the planner to prefer an index to reading everything: 10 installations of 20 repositories.
const INSTALLATIONS = 10;
const REPOSITORIES_PER_INSTALLATION = 20;
const RECORDS_PER_REPOSITORY = 15;
const REPOSITORIES = INSTALLATIONS * REPOSITORIES_PER_INSTALLATION;
const STORED_AT = new Date("2026-01-01T00:00:00Z");
const LATER = new Date("2026-02-01T00:00:00Z");

const installationOf = (repositoryId: number) => Math.floor(repositoryId / REPOSITORIES_PER_INSTALLATION);
const sha = (n: number) => n.toString(16).padStart(40, "0");

const range = (count: number, from = 0) => Array.from({ length: count }, (_, i) => from + i);
const RECORDS = REPOSITORIES * RECORDS_PER_REPOSITORY;

function pullRequest(githubId: number, updatedAt = STORED_AT): PullRequestRecord {
  const repositoryId = githubId % REPOSITORIES;
  return {
    githubId, nodeId: `PR_${githubId}`, repositoryId, installationId: installationOf(repositoryId), number: githubId, title: "Change",
    state: "open", createdAt: STORED_AT, updatedAt, baseRef: "main", headRef: `topic-${githubId}`,
  };
}

function ticket(githubId: number, updatedAt = STORED_AT): TicketRecord {
  const repositoryId = githubId % REPOSITORIES;
  return { githubId, nodeId: `I_${githubId}`, repositoryId, installationId: installationOf(repositoryId), number: githubId, title: "Bug", state: "open", createdAt: STORED_AT, updatedAt };
}

function review(githubId: number, updatedAt = STORED_AT): ReviewRecord {
  const pullRequestId = githubId % (REPOSITORIES * RECORDS_PER_REPOSITORY);
  const repositoryId = pullRequestId % REPOSITORIES;
  return { githubId, pullRequestId, repositoryId, installationId: installationOf(repositoryId), state: "APPROVED", submittedAt: STORED_AT, updatedAt };
}

function commit(n: number, headline = "Fix"): CommitRecord {
  const repositoryId = n % REPOSITORIES;
  const actor = { name: "Ada", email: "ada@example.com", date: STORED_AT, user: null };
  return { repositoryId, installationId: installationOf(repositoryId), sha: sha(n), messageHeadline: headline, author: actor, committer: actor };
}

/** The plan of every query `action` sends, in order, named by collection. */
async function plansOf(action: () => Promise<unknown>) {
  const queries = await queriesSentBy(action);
  return Promise.all(
    queries.map(async (query) => {
      const model = "find" in query ? query.find : "aggregate" in query ? query.aggregate : query.count;
      return { collection: model.collection.collectionName, ...(await queryPlan(query)) };
    }),
  );
}

const indexScan = (collection: string, index: string) => ({ collection, indexes: [index], scansCollection: false, sorts: false });

describe("the app's hot queries are index scans, with thousands of records stored", () => {
  beforeAll(async () => {
    for (let installation = 0; installation < INSTALLATIONS; installation += 1) {
      const repositories = range(REPOSITORIES_PER_INSTALLATION, installation * REPOSITORIES_PER_INSTALLATION);
      const refs = repositories.map((id) => ({ id, node_id: `R_${id}`, name: `repo-${id}`, full_name: `org-${installation}/repo-${id}`, private: false }));
      await setRepositoryGrants(installation, refs, true, STORED_AT);
      await saveMembers(installation, range(200).map((userId) => ({ userId, login: `user-${userId}` })), STORED_AT);
    }
    await savePullRequests(range(RECORDS).map((id) => pullRequest(id)));
    await saveTickets(range(RECORDS).map((id) => ticket(id)));
    await saveReviews(range(2 * RECORDS).map((id) => review(id)));
    await saveCommits(range(RECORDS).map((n) => commit(n)));
  }, 120_000);

  it("queryPlan tells a collection scan from an index scan", async () => {
    expect(await queryPlan({ find: PullRequestModel, filter: { title: "Change" } })).toMatchObject({ indexes: [], scansCollection: true });
    expect(await queryPlan({ count: TicketModel, query: { githubId: 3 } })).toMatchObject({ indexes: ["githubId_1"], scansCollection: false });
  });

  it("a pull request, review or ticket webhook: the stored copy read and the guarded update by githubId alone", async () => {
    // An index containing updatedAt would join the guarded filter {githubId, updatedAt: {$lte}} as a range scan.
    // Each then reads what it wrote back by key, for its report rollup (see src/storage/report-rollups.ts).
    expect(await plansOf(() => savePullRequests([pullRequest(17, LATER)]))).toEqual([
      indexScan("pullrequests", "githubId_1"),
      indexScan("pullrequests", "githubId_1"),
      indexScan("pullrequests", "githubId_1"),
    ]);
    expect(await plansOf(() => saveReviews([review(17, LATER)]))).toEqual([
      indexScan("reviews", "githubId_1"),
      indexScan("reviews", "githubId_1"),
      indexScan("reviews", "githubId_1"),
      indexScan("reportweeks", "_id_"),
      indexScan("pullrequests", "githubId_1"),
    ]);
    expect(await plansOf(() => saveTickets([ticket(17, LATER)]))).toEqual([
      indexScan("tickets", "githubId_1"),
      indexScan("tickets", "githubId_1"),
      indexScan("tickets", "githubId_1"),
      indexScan("reportweeks", "_id_"),
      indexScan("reportweeks", "_id_"),
    ]);
  });

  it("first-comment times: by githubId, or by repository and number", async () => {
    expect(await plansOf(() => recordReviewCommentAt(17, LATER))).toEqual([indexScan("pullrequests", "githubId_1")]);
    expect(await plansOf(() => recordConversationCommentAt({ repositoryId: 17, number: 17 }, LATER))).toEqual([
      indexScan("pullrequests", "repositoryId_1_number_1"),
    ]);
  });

  it("a backfill page: one $in read of the stored copies, then updates by key", async () => {
    const page = range(100, 1000).map((id) => pullRequest(id, LATER));
    const plans = await plansOf(() => savePullRequests(page));
    // The read of the stored copies, an update per record, and the rollup's read of the page back.
    expect(plans).toHaveLength(1 + page.length + 1);
    expect(new Set(plans.map((plan) => JSON.stringify(plan)))).toEqual(new Set([JSON.stringify(indexScan("pullrequests", "githubId_1"))]));
  });

  it("commits: a push, a backfill page putting a commit back on the branch, a force-push's marks", async () => {
    expect(await plansOf(() => saveCommits([commit(17, "Fix (amended)")]))).toEqual([
      indexScan("commits", "repositoryId_1_sha_1"),
      indexScan("commits", "repositoryId_1_sha_1"),
      indexScan("commits", "repositoryId_1_sha_1"),
      indexScan("reportweeks", "_id_"),
    ]);
    const sameRepository = [18, 18 + REPOSITORIES, 18 + 2 * REPOSITORIES];
    const marks = await plansOf(() => markCommitsOffDefaultBranch(18, sameRepository.map(sha), STORED_AT));
    // The three commits' rollup entries, of one week, set in one update by the week's key.
    const entries = [indexScan("reportweeks", "_id_")];
    expect(marks).toEqual([indexScan("commits", "repositoryId_1_sha_1"), indexScan("commits", "repositoryId_1_sha_1"), ...entries]);
    const backOnBranch = await plansOf(() => saveCommits(sameRepository.map((n) => commit(n)), { onDefaultBranchAsOf: LATER }));
    expect(backOnBranch).toEqual([...Array(1 + sameRepository.length + 1).fill(indexScan("commits", "repositoryId_1_sha_1")), ...entries]);
  });

  it("members: saved and removed by installation and user", async () => {
    expect(await plansOf(() => markMemberRemoved(3, 42, LATER))).toEqual([indexScan("members", "installationId_1_userId_1")]);
    expect(await plansOf(() => saveMembers(3, [{ userId: 42, login: "user-42" }], new Date()))).toEqual([
      indexScan("members", "installationId_1_userId_1"),
      indexScan("members", "installationId_1_userId_1"),
    ]);
  });

  it("the repositories page: an installation's repositories, and their records counted per repository", async () => {
    // The sort is over one installation's repositories, a set that does not grow with the records. Either index led
    // by installationId serves it.
    expect(await plansOf(() => listRepositories(3))).toEqual([
      { collection: "repositories", indexes: [expect.stringMatching(/^installationId_1_/)], scansCollection: false, sorts: true },
    ]);
    const repositoryIds = (await listRepositories(3)).map((repository) => repository.githubId);
    expect(await plansOf(() => countStoredByRepository(repositoryIds))).toEqual([
      { collection: "commits", indexes: [expect.stringMatching(/^repositoryId_1_/)], scansCollection: false, sorts: false },
      indexScan("pullrequests", "repositoryId_1_number_1"),
      indexScan("reviews", "repositoryId_1"),
      indexScan("tickets", "repositoryId_1_number_1"),
    ]);
  });
});
